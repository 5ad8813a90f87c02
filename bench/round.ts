/** A figure rounded to `digits` decimals for a bench report. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
