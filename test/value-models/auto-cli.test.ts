/**
 * `fidelis clv --model auto` on CDNOW: the 2,357-customer sample of Fader, Hardie & Lee (2005),
 * as distributed with lifetimes (MIT), in data/cdnow-sample.csv (customer, date, amount),
 * calibrated on its first 39 weeks (to 1997-09-30) and checked on the next 39.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { main as clvMain } from '../../src/cli/clv-main.js';
import { runCli } from '../helpers/cli.js';

const CDNOW = new URL('./data/cdnow-sample.csv', import.meta.url).pathname;
const COLUMNS = ['--customer-col', 'customer', '--date-col', 'date', '--amount-col', 'amount'];

interface Report {
  model: string;
  requestedModel: string;
  params: Record<string, number>;
  choice: { basis: string; reason: string };
  candidates: { name: string; parameters: Record<string, number> | null; logLikelihood: number; bic: number; holdoutError: number; chosen: boolean }[];
  holdout: { mae: number; tracking: { period: number; expected: number; actual: number }[] };
  customers: number;
}

describe('fidelis clv --model auto on CDNOW', () => {
  it('reports every candidate with its parameters, log-likelihood, BIC and holdout error, and the chosen one tracked on the holdout', async () => {
    const out = join(tempDir(), 'clv.csv');
    const result = await runCli(['clv', '--transactions', CDNOW, ...COLUMNS, '--calibration-end', '1997-09-30', '--model', 'auto', '--out', out, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.customers).toBe(2357);
    expect(report).toMatchObject({ requestedModel: 'auto', choice: { basis: 'holdout' } });
    expect(report.candidates.map((c) => c.name)).toEqual(['bgnbd', 'paretonbd', 'mbgnbd', 'mbgcnbd']);
    for (const c of report.candidates) {
      expect(Number.isFinite(c.logLikelihood) && Number.isFinite(c.bic) && c.holdoutError > 0, c.name).toBe(true);
      expect(c.bic).toBeCloseTo(-2 * c.logLikelihood + Object.keys(c.parameters ?? {}).length * Math.log(2357), 6);
    }
    const chosen = report.candidates.find((c) => c.chosen);
    expect(chosen?.name).toBe(report.model);
    expect(report.params).toEqual(chosen?.parameters);
    // The chosen model's own holdout figures are those it was chosen on.
    expect(report.holdout.mae).toBeCloseTo(chosen?.holdoutError ?? NaN, 10);
    expect(report.holdout.tracking.length).toBe(78);
    const lowest = Math.min(...report.candidates.map((c) => c.holdoutError));
    if (report.choice.reason === 'lowest_holdout_error') expect(chosen?.holdoutError).toBe(lowest);
    else expect(report.choice.reason).toBe('comparable_without_alive_flaw');
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2358);
  });

  it('prints the candidates table and why the model was kept', async () => {
    const result = await runCli(['clv', '--transactions', CDNOW, ...COLUMNS, '--model', 'auto']);
    expect(result.code).toBe(0);
    for (const name of ['bgnbd', 'paretonbd', 'mbgnbd', 'mbgcnbd']) expect(result.stdout).toMatch(new RegExp(`^${name} `, 'm'));
    expect(result.stdout).toMatch(/^model: \w+, (lowest BIC \(no holdout\)|BG\/NBD measured slightly better)/m);
  });

  it('refuses MBG/CNBD-k on a summary file, which has no purchase dates', async () => {
    const dir = tempDir();
    const file = join(dir, 'summary.csv');
    const lines = ['frequency,recency,T', ...Array.from({ length: 50 }, (_, i) => `${i % 4},${i % 4 === 0 ? 0 : 5 + (i % 9)},30`)];
    writeFileSync(file, lines.join('\n'));
    const result = await runCli(['clv', '--summary', file, '--model', 'mbgcnbd']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/mbgcnbd needs the purchase dates/);
  });

  it('fidelis clv started alone (clv-main.ts, as bin/fidelis.js runs it) gives what the full CLI gives, errors included', async () => {
    const dir = tempDir();
    const file = join(dir, 'summary.csv');
    writeFileSync(file, ['frequency,recency,T', ...Array.from({ length: 50 }, (_, i) => `${i % 4},${i % 4 === 0 ? 0 : 5 + (i % 9)},30`)].join('\n'));
    for (const args of [['clv', '--summary', file, '--model', 'bgnbd', '--json'], ['clv', '--summary', file, '--model', 'mbgcnbd'], ['clv', '--help']]) {
      const full = await runCli(args);
      const alone = await runCli(args, undefined, clvMain);
      // A summary file's calibration end is the time of the run: the only figure that may differ.
      const timeless = (c: { stdout: string }): string => c.stdout.replace(/"(calibrationEnd|observationEnd)": "[^"]*"/g, '"$1": ""');
      expect({ ...alone, stdout: timeless(alone) }, args.join(' ')).toEqual({ ...full, stdout: timeless(full) });
    }
  });
});
