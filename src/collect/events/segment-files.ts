import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// The log's segment files by name: what the log, its identity check, the loader and retention all
// need, apart from the log itself (log.ts imports the identity check, which must not import it back).

export function segmentPath(folder: string, segment: number): string {
  return join(folder, `segment-${String(segment).padStart(8, '0')}.jsonl`);
}

export function listSegments(folder: string): number[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .map((name) => /^segment-(\d+)\.jsonl$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}
