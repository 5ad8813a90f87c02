// Runs the fidelis CLI in process with its output captured (and, when given, a standard input).
import { Readable } from 'node:stream';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** `entry`: the CLI's main function (main.ts; clv-main.ts is what bin/fidelis.js runs for `fidelis clv`). */
export async function runCli(args: readonly string[], stdin?: string, entry: (argv: readonly string[]) => Promise<number> = main): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const spies: { mockRestore(): void }[] = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    }),
    vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
      stdout += `${parts.map(String).join(' ')}\n`;
    }),
  ];
  if (stdin !== undefined) spies.push(vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([Buffer.from(stdin)]) as typeof process.stdin));
  try {
    return { code: await entry(['node', 'fidelis', ...args]), stdout, stderr };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
