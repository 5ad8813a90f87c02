import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateBgNbd, simulateGammaGamma } from '../../src/generate/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

/** A lifetimes-style summary drawn from BG/NBD and Gamma-Gamma: 400 customers observed 30 to 78 weeks. */
function summaryFile(): string {
  const file = join(tempDir(), 'summary.csv');
  const observation = Float64Array.from({ length: 400 }, (_, i) => 30 + (i % 49));
  const sim = simulateBgNbd({ r: 0.8, alpha: 6, a: 1.2, b: 4 }, { customers: 400, observation, seed: 19 });
  const spends = simulateGammaGamma({ p: 6, q: 3.5, gamma: 30 }, { transactions: Array.from(sim.x, (x) => x + 1), seed: 20 });
  const lines = ['customer_id,frequency,recency,T,monetary_value'];
  for (let i = 0; i < 400; i++) {
    const x = sim.x[i] ?? 0;
    const times = sim.purchaseTimes[i] ?? [];
    const repeat = Array.from(spends.spends[i] ?? []).slice(1);
    const monetary = x === 0 ? 0 : repeat.reduce((a, b) => a + b, 0) / Math.max(1, repeat.length);
    lines.push(`k${i},${x},${x === 0 ? 0 : (times[x - 1] ?? 0).toFixed(3)},${observation[i]},${monetary.toFixed(2)}`);
  }
  writeFileSync(file, lines.join('\n'));
  return file;
}

// `fidelis clv --lifetime` adds each customer's lifetime value beside the finite-horizon clv of --horizon.
describe('fidelis clv --lifetime', () => {
  for (const model of ['paretonbd', 'bgnbd']) {
    it(`writes clv_lifetime beside the --horizon clv, larger for every valued customer (${model})`, async () => {
      const out = join(tempDir(), 'scores.csv');
      const result = await runCli(['clv', '--summary', summaryFile(), '--model', model, '--horizon', '52', '--lifetime', '--out', out, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
      expect(header).toBe('id,frequency,recency,T,monetary,p_alive,expected_transactions,expected_spend,clv,clv_lifetime');
      expect(rows).toHaveLength(400);
      for (const row of rows) {
        const cells = row.split(',').map(Number);
        const [clv, lifetime] = [cells[8] ?? NaN, cells[9] ?? NaN];
        expect(lifetime).toBeGreaterThanOrEqual(clv);
        if (clv > 0) expect(lifetime).toBeGreaterThan(clv);
      }
    });
  }

  it('keeps the former columns without --lifetime', async () => {
    const out = join(tempDir(), 'scores.csv');
    expect((await runCli(['clv', '--summary', summaryFile(), '--out', out, '--json'])).code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('id,frequency,recency,T,monetary,p_alive,expected_transactions,expected_spend,clv');
  });
});
