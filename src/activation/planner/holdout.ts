/** MurmurHash3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function stringHash(text: string, seed: number): number {
  // FNV-1a over the UTF-16 code units, then mixed: a stable, seeded key per person id.
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return mix32(h);
}

/**
 * Draws a campaign's control group among its eligible persons before any optimisation: in each
 * value tier, the round(share x size) persons with the smallest seeded hash of (seed, campaign,
 * person). Stratifying keeps each tier's share of the holdout equal to its share of the eligible,
 * so uplift compares like with like; hashing (not a sequence of draws) makes a person's arm
 * independent of who else is eligible within his tier order.
 */
export function drawHoldout(
  personIds: readonly string[],
  tiers: readonly string[],
  eligible: Uint8Array,
  share: number,
  seed: number,
  campaignId: string,
): Uint8Array {
  const holdout = new Uint8Array(personIds.length);
  if (share <= 0) return holdout;
  const campaignSeed = stringHash(campaignId, seed);
  const byTier = new Map<string, { i: number; key: number }[]>();
  for (let i = 0; i < personIds.length; i += 1) {
    if (!eligible[i]) continue;
    const tier = tiers[i]!;
    let list = byTier.get(tier);
    if (!list) byTier.set(tier, (list = []));
    list.push({ i, key: stringHash(personIds[i]!, campaignSeed) });
  }
  for (const list of byTier.values()) {
    list.sort((a, b) => a.key - b.key || a.i - b.i);
    const take = Math.round(share * list.length);
    for (let n = 0; n < take; n += 1) holdout[list[n]!.i] = 1;
  }
  return holdout;
}
