import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { simulateBgNbd, simulateGammaGamma } from '../src/generate/index.js';
import { DuckDbEngine, sql } from '../src/store/index.js';
import { bgNbd, type BgNbdParams } from '../src/value/models/index.js';
import { tempDir } from './helpers/fixtures.js';

async function fidelis(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  const log = vi.spyOn(console, 'log').mockImplementation((...p: unknown[]) => {
    stdout += `${p.map(String).join(' ')}\n`;
  });
  try {
    return { code: await main(['node', 'fidelis', ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    log.mockRestore();
  }
}

const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 0, 1); // a Monday

/**
 * A sales file drawn from BG/NBD (one purchase per simulated time, at most one per week is kept
 * by the weekly summary) with births spread over 26 weeks, observed 78 weeks.
 */
function simulatedSales(dir: string, customers: number): string {
  const params = { r: 0.8, alpha: 6, a: 1.2, b: 4 };
  const births = Float64Array.from({ length: customers }, (_, i) => i % 26);
  const observation = Float64Array.from(births, (b) => 78 - b);
  const sim = simulateBgNbd(params, { customers, observation, seed: 11 });
  const spends = simulateGammaGamma({ p: 6, q: 3.5, gamma: 30 }, { transactions: Array.from(sim.x, (x) => x + 1), seed: 12 });
  const lines = ['customer,date,amount'];
  for (let i = 0; i < customers; i++) {
    const times = [0, ...(sim.purchaseTimes[i] ?? [])];
    times.forEach((t, k) => {
      const day = new Date(START + Math.floor(((births[i] ?? 0) + t) * 7) * DAY_MS).toISOString().slice(0, 10);
      lines.push(`c${i},${day},${(spends.spends[i]?.[k] ?? 10).toFixed(2)}`);
    });
  }
  const file = join(dir, 'sales.csv');
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('fidelis clv', () => {
  it('fits BG/NBD and Gamma-Gamma on a sales file and checks itself on a holdout', async () => {
    const dir = tempDir();
    const file = simulatedSales(dir, 6000);
    const out = join(dir, 'clv.csv');
    const result = await fidelis(
      'clv', '--transactions', file, '--customer-col', 'customer', '--date-col', 'date', '--amount-col', 'amount',
      '--calibration-end', '2025-01-26', '--period', 'week', '--model', 'bgnbd', '--horizon', '26', '--out', out, '--json',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      model: string;
      params: Record<string, number>;
      logLikelihood: number;
      spend: { p: number; q: number; v: number };
      customers: number;
      holdout: {
        predictedTotal: number;
        actualTotal: number;
        mae: number;
        byFrequency: { frequency: string }[];
        tracking: { period: number; expected: number; actual: number }[];
      };
    };
    expect(report.model).toBe('bgnbd');
    expect(Object.keys(report.params).sort()).toEqual(['a', 'alpha', 'b', 'r']);
    expect(Number.isFinite(report.logLikelihood)).toBe(true);
    expect(Object.keys(report.spend)).toEqual(expect.arrayContaining(['p', 'q', 'v']));
    expect(report.customers).toBe(6000);
    expect(report.holdout.byFrequency.map((g) => g.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    // The model is the one that generated the data: the holdout total is predicted within 15%.
    expect(Math.abs(report.holdout.predictedTotal / report.holdout.actualTotal - 1)).toBeLessThan(0.15);
    // Cumulative weekly tracking over the 78 weeks: ends where the data ends, and follows the actual curve.
    const tracking = report.holdout.tracking;
    expect(tracking.length).toBeGreaterThan(70);
    const end = tracking[tracking.length - 1];
    expect(Math.abs((end?.expected ?? 0) / (end?.actual ?? 1) - 1)).toBeLessThan(0.15);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id,frequency,recency,T,monetary,p_alive,expected_transactions,expected_spend,clv');
    expect(rows).toHaveLength(6001);
  });

  it('works from a lifetimes-style summary file', async () => {
    const dir = tempDir();
    const file = join(dir, 'summary.csv');
    const lines = ['customer_id,frequency,recency,T,monetary_value'];
    for (let i = 0; i < 400; i++) {
      const x = i % 5;
      lines.push(`k${i},${x},${x === 0 ? 0 : 10 + (i % 20)},${40 + (i % 10)},${x === 0 ? 0 : 20 + (i % 7)}`);
    }
    writeFileSync(file, lines.join('\n'));
    const result = await fidelis('clv', '--summary', file, '--model', 'paretonbd', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { model: string; params: Record<string, number> };
    expect(Object.keys(report.params).sort()).toEqual(['alpha', 'beta', 'r', 's']);
  });

  it('fits MBG/NBD too', async () => {
    const dir = tempDir();
    const file = simulatedSales(dir, 3000);
    const result = await fidelis('clv', '--transactions', file, '--customer-col', 'customer', '--date-col', 'date', '--amount-col', 'amount', '--model', 'mbgnbd', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { model: string; params: Record<string, number>; converged: boolean };
    expect(report).toMatchObject({ model: 'mbgnbd', converged: true });
    expect(Object.keys(report.params).sort()).toEqual(['a', 'alpha', 'b', 'r']);
  });

  it('refuses a summary row where recency exceeds T', async () => {
    const dir = tempDir();
    const file = join(dir, 'summary.csv');
    writeFileSync(file, 'frequency,recency,T\n1,5,10\n2,12,10\n');
    const result = await fidelis('clv', '--summary', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/row 2: expected frequency >= 0 and 0 <= recency <= T/);
  });
});

describe('fidelis clv --out', () => {
  it('writes Parquet through the engine with the same figures as the CSV, frequency as a whole number', async () => {
    const dir = tempDir();
    const file = join(dir, 'summary.csv');
    const observation = Float64Array.from({ length: 600 }, (_, i) => 10 + 60 * ((i * 0.618034) % 1));
    const sim = simulateBgNbd({ r: 0.8, alpha: 6, a: 1.2, b: 4 }, { customers: 600, observation, seed: 5 });
    const lines = ['customer_id,frequency,recency,T,monetary_value'];
    for (let i = 0; i < 600; i++) lines.push(`k${i},${sim.x[i]},${sim.tx[i]},${sim.T[i]},${(sim.x[i] ?? 0) > 0 ? 20 + (i % 7) : 0}`);
    writeFileSync(file, lines.join('\n'));
    const csv = join(dir, 'scores.csv');
    const parquet = join(dir, 'scores.parquet');
    const run = await fidelis('clv', '--summary', file, '--out', csv, '--json');
    expect(run.code).toBe(0);
    const params = (JSON.parse(run.stdout) as { params: BgNbdParams }).params;
    expect((await fidelis('clv', '--summary', file, '--out', parquet, '--json')).code).toBe(0);
    const engine = await DuckDbEngine.open(':memory:');
    try {
      const [difference] = await engine.query<{ n: number; worst: number; frequency: string }>(sql`SELECT count(*) AS n,
        max(abs(c.clv - p.clv) + abs(c.p_alive - p.p_alive) + abs(c.expected_transactions - p.expected_transactions)) AS worst,
        typeof(any_value(p.frequency)) AS frequency
        FROM read_csv(${csv}) AS c JOIN read_parquet(${parquet}) AS p ON p.id = c.id`);
      expect(Number(difference?.n)).toBe(600);
      expect(difference?.worst).toBe(0);
      expect(difference?.frequency).toBe('BIGINT');
    } finally {
      await engine.close();
    }
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id,frequency,recency,T,monetary,p_alive,expected_transactions,expected_spend,clv');
    expect(rows[2]?.split(',')[1]).toBe(String(sim.x[1]));
    // Each customer's scores sit on his own row (the ids are joined back by position).
    for (const i of [0, 17, 311, 599]) {
      const cells = rows[i + 1]?.split(',') ?? [];
      expect(cells[0]).toBe(`k${i}`);
      expect(Number(cells[5])).toBeCloseTo(bgNbd.probabilityAlive(params, sim.x[i] ?? 0, sim.tx[i] ?? 0, sim.T[i] ?? 0), 12);
    }
  });
});
