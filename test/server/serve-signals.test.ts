import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../helpers/fixtures.js';

describe('fidelis serve and stop signals', () => {
  afterEach(() => vi.restoreAllMocks());

  it('handles SIGTERM from the moment it says it listens, then stops with exit code 0', async () => {
    const db = join(tempDir(), 'signals.duckdb');
    const before = { SIGTERM: process.listeners('SIGTERM').length, SIGINT: process.listeners('SIGINT').length };
    let atListening: { SIGTERM: number; SIGINT: number } | null = null;
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      if (String(chunk).includes('listening on')) {
        // What a supervisor that signals on reading the line would find: the serve command's handlers.
        const added = (signal: 'SIGTERM' | 'SIGINT'): NodeJS.SignalsListener[] => process.listeners(signal).slice(before[signal]);
        atListening = { SIGTERM: added('SIGTERM').length, SIGINT: added('SIGINT').length };
        // Then stop it, calling the handlers directly: process.emit would also reach the test runner's own.
        setImmediate(() => added('SIGTERM').forEach((handler) => handler('SIGTERM')));
        return true;
      }
      return write(chunk);
    });
    const code = await main(['node', 'fidelis', 'serve', '--port', '0', '--db', db]);
    expect(atListening).toEqual({ SIGTERM: 1, SIGINT: 1 });
    expect(code).toBe(0);
    // Stopped: its handlers are gone, so a later signal is the runner's business again.
    expect(process.listeners('SIGTERM').length).toBe(before.SIGTERM);
  });
});
