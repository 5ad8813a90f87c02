// `npx tsx bench/clv.ts [--customers 1000000] [--keep]`: `fidelis clv` on a lifetimes-style
// summary whose recency and age are continuous (no two customers alike), as a whole process,
// against lifetimes 0.11.3 on the same file. The summary is drawn from BG/NBD and Gamma-Gamma's
// own simulators (seeded), with the CDNOW estimates as the true parameters. Reports wall and
// CPU seconds, peak RSS and the load average (the machine is shared), and the fitted parameters
// against the Nelder-Mead reference fit of the same file.
//
// lifetimes is run when `python3 -c 'import lifetimes'` works; otherwise its time measured on
// this machine for the same work (fit BG/NBD, fit Gamma-Gamma, score 1M customers: 15.7 s,
// 509 MB peak) is quoted, as issue 14 records it.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { simulateBgNbd, simulateGammaGamma } from '../src/generate/index.js';
import { bgNbd, compressSummary, fitTransactionModel } from '../src/value/models/index.js';

const LIFETIMES_QUOTED = { seconds: 15.7, maxRssMb: 509 };
const TRUTH = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const SPEND = { p: 6.25, q: 3.74, gamma: 15.44 };

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    keep: { type: 'boolean' },
    /** Skip the Nelder-Mead reference fit (minutes at 1M on a loaded machine). */
    'no-reference': { type: 'boolean' },
  },
});
const customers = Number(values.customers);
const work = mkdtempSync(join(tmpdir(), 'fidelis-clv-bench-'));
const fmt = (n: number, digits = 2): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

interface ProcessFigures {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
  readonly stdout: string;
  readonly load: string;
}

/** Runs a command under /usr/bin/time -v: wall, user + system CPU and peak RSS of the whole process tree's main process. */
function timed(command: string, args: readonly string[]): ProcessFigures {
  const before = load();
  const t0 = performance.now();
  const run = spawnSync('/usr/bin/time', ['-v', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallSeconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status}):\n${run.stderr}`);
  const field = (name: string): number => Number(new RegExp(`${name}: ([\\d.]+)`).exec(run.stderr)?.[1] ?? NaN);
  return {
    wallSeconds,
    cpuSeconds: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
    maxRssMb: field('Maximum resident set size \\(kbytes\\)') / 1024,
    stdout: run.stdout,
    load: `${before} -> ${load()}`,
  };
}

/** The summary file: frequency, recency, T (weeks, continuous) and the mean repeat spend, as lifetimes' summary_data_from_transaction_data gives it. */
function writeSummary(file: string): { x: Float64Array; tx: Float64Array; T: Float64Array } {
  // Ages spread evenly over 1 to 78 weeks, irrational steps so that no two are equal.
  const observation = Float64Array.from({ length: customers }, (_, i) => 1 + 77 * ((i * 0.6180339887498949) % 1));
  const simulated = simulateBgNbd(TRUTH, { customers, observation, seed: 14 });
  const spends = simulateGammaGamma(SPEND, { transactions: simulated.x, seed: 15 });
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, 'customer_id,frequency,recency,T,monetary_value\n');
    let chunk = '';
    for (let i = 0; i < customers; i++) {
      const x = simulated.x[i] ?? 0;
      const monetary = x > 0 ? (spends.meanSpend[i] ?? 0) : 0;
      chunk += `c${i},${x},${simulated.tx[i] ?? 0},${simulated.T[i] ?? 0},${monetary}\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return { x: Float64Array.from(simulated.x), tx: simulated.tx, T: simulated.T };
}

const LIFETIMES_SCRIPT = `
import sys, pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
d = pd.read_csv(sys.argv[1])
bgf = BetaGeoFitter().fit(d['frequency'], d['recency'], d['T'])
r = d[d['frequency'] > 0]
ggf = GammaGammaFitter().fit(r['frequency'], r['monetary_value'])
clv = ggf.customer_lifetime_value(bgf, d['frequency'], d['recency'], d['T'], d['monetary_value'], time=12, freq='W', discount_rate=0.01)
d.assign(p_alive=bgf.conditional_probability_alive(d['frequency'], d['recency'], d['T']), clv=clv).to_csv(sys.argv[2], index=False)
print(dict(bgf.params_))
`;

function hasLifetimes(): boolean {
  return spawnSync('python3', ['-c', 'import lifetimes'], { stdio: 'ignore' }).status === 0;
}

try {
  console.log(`fidelis clv bench: ${fmt(customers, 0)} customers, continuous recency and T, work dir ${work}; load average ${load()}`);
  const summaryFile = join(work, 'summary.csv');
  const data = writeSummary(summaryFile);
  console.log(`summary written: ${fmt(statSync(summaryFile).size / 1e6, 0)} MB`);
  // The CLI as users run it: compiled, through bin/fidelis.js.
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  const scores = join(work, 'scores.csv');
  const fidelis = timed(process.execPath, ['bin/fidelis.js', 'clv', '--summary', summaryFile, '--model', 'bgnbd', '--horizon', '52', '--out', scores, '--json']);
  const report = JSON.parse(fidelis.stdout) as { params: Record<string, number>; groups: number; iterations: number; spend: Record<string, number> | null };
  console.log('');
  console.log('| run | wall s | CPU s | peak RSS (MB) | load average (before -> after) |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  console.log(`| fidelis clv --summary (fit BG/NBD + Gamma-Gamma, score, write ${fmt(customers, 0)} rows) | ${fmt(fidelis.wallSeconds)} | ${fmt(fidelis.cpuSeconds)} | ${fmt(fidelis.maxRssMb, 0)} | ${fidelis.load} |`);
  let lifetimes = { ...LIFETIMES_QUOTED, measured: false, cpuSeconds: NaN };
  if (hasLifetimes()) {
    const run = timed('python3', ['-c', LIFETIMES_SCRIPT, summaryFile, join(work, 'lifetimes.csv')]);
    lifetimes = { seconds: run.wallSeconds, maxRssMb: run.maxRssMb, measured: true, cpuSeconds: run.cpuSeconds };
    console.log(`| lifetimes 0.11.3 (same work) | ${fmt(run.wallSeconds)} | ${fmt(run.cpuSeconds)} | ${fmt(run.maxRssMb, 0)} | ${run.load} |`);
  } else {
    console.log(`| lifetimes 0.11.3 (not installed: figure measured on this machine, quoted from issue 14) | ${fmt(lifetimes.seconds)} | - | ${lifetimes.maxRssMb} | - |`);
  }
  console.log('');
  console.log(`speed-up against lifetimes (wall): ${fmt(lifetimes.seconds / fidelis.wallSeconds, 1)}x (target >= 20x); against fidelis's CPU time: ${fmt(lifetimes.seconds / fidelis.cpuSeconds, 1)}x`);
  console.log(`memory: ${fmt(fidelis.maxRssMb, 0)} MB against ${fmt(lifetimes.maxRssMb, 0)} MB`);
  console.log(`fitted BG/NBD (${fmt(report.groups, 0)} groups, ${report.iterations} iterations): ${JSON.stringify(report.params)}; Gamma-Gamma: ${JSON.stringify(report.spend)}`);
  if (!values['no-reference']) {
    const t0 = performance.now();
    const reference = fitTransactionModel(bgNbd, compressSummary(data), { method: 'nelder-mead' });
    const seconds = (performance.now() - t0) / 1000;
    const worst = Math.max(...Object.entries(reference.params).map(([k, v]) => Math.abs((report.params[k] ?? NaN) / v - 1)));
    console.log(`Nelder-Mead reference (in process, ${fmt(seconds, 1)} s, ${reference.evaluations} passes): ${JSON.stringify(reference.params)}; largest relative difference ${worst.toExponential(2)} (target <= 1e-4)`);
  }
  console.log(`load average at the end: ${load()}`);
} finally {
  if (values.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
