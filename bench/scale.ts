// `npx tsx bench/scale.ts [--sizes 100000,300000,1000000] [--db PATH.duckdb | clickhouse://...] [--work DIR] [--keep] [--reuse] [--again]`:
// the whole `fidelis run` on the demo company at each size (issue 15 §4), each size's generation,
// import and run in their own processes so that each peak memory is its own. Prints, per step, the
// wall and CPU seconds (the process's CPU, DuckDB's threads included: on a machine shared with
// other work the wall time says little, the CPU time still measures the work), the peak RSS reached
// by the end of the step, the growth factor per 3x of data between consecutive sizes (3.0 is
// linear), and the profile file's size.
//
// --db: a DuckDB path (size N goes to PATH-N.duckdb) or a ClickHouse URL (size N to the URL's
// database with `_N` appended); on ClickHouse the CPU column is this client's only, the server's
// work shows in the wall time. --reuse keeps generated files and imported DuckDB datamarts in
// --work between invocations (the run itself is always on a fresh copy of the imported datamart,
// so it is a first run, history indexes included). --again runs `fidelis run` a second time on the
// same datamart and prints its steps too: what a nightly run costs, with the tables and indexes the
// first run left (a second run once took 1,077 s at 1M against 951 s for the first: the identity
// step rewrote indexed tables row by row).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/collect/index.js';
import { parseConfig } from '../src/config/index.js';
import { generateDemoCompany } from '../src/generate/index.js';
import { runPipeline } from '../src/pipeline/index.js';
import { servingStorePath } from '../src/profiles/index.js';
import { openStore } from '../src/schema/index.js';
import { round } from './round.js';
import { summarise, yardstick, type Yardsticks } from './yardstick.js';

export interface StepFigures {
  readonly name: string;
  readonly wall: number;
  readonly cpu: number;
  /** The process's peak RSS (MB) by the end of this step. */
  readonly peakMb: number;
}

export interface SizeFigures {
  readonly customers: number;
  readonly generateSeconds: number | null;
  readonly importSeconds: number | null;
  readonly importPeakMb: number | null;
  readonly steps: readonly StepFigures[];
  readonly runWall: number;
  readonly runCpu: number;
  readonly runPeakMb: number;
  /** The profile documents' file (`<db>.profiles`), none on ClickHouse. */
  readonly profileBytes: number | null;
  readonly datamartBytes: number | null;
  /** The yardstick timed before each step and after the last (bench/yardstick.ts), left out of every figure above. */
  readonly yardstick: Yardsticks;
  /** A second run on the same datamart (--again), or null. */
  readonly again: RunFigures | null;
}

type RunFigures = Pick<SizeFigures, 'steps' | 'runWall' | 'runCpu' | 'runPeakMb' | 'yardstick'>;
/** One run's figures and the size it ran on: a row of the steps' table. */
type SizedRun = RunFigures & { readonly customers: number };

const isUrl = (db: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(db);

/** The datamart of one size: PATH-N.duckdb, or the ClickHouse URL's database with `_N`. */
export function sizedDb(db: string, customers: number): string {
  if (isUrl(db)) {
    const url = new URL(db);
    const database = url.pathname.replace(/^\/+|\/+$/g, '') || 'fidelis';
    url.pathname = `/${database}_${customers}`;
    return url.toString();
  }
  return `${db.replace(/\.duckdb$/, '')}-${customers}.duckdb`;
}

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const peakMb = (): number => process.resourceUsage().maxRSS / 1024;

/**
 * Child: the pipeline on one datamart, per step wall and CPU seconds and the running peak RSS,
 * with the yardstick timed before each step and after the last; its own time and CPU are left
 * out of the step's and the run's figures.
 */
async function runChild(db: string): Promise<RunFigures> {
  const engine = await openStore(db);
  // CPU seconds at each step's start (after its yardstick) and end (before the next one's), and the peak RSS at its end.
  const starts: number[] = [];
  const ends: { cpu: number; peak: number }[] = [];
  const yardsticks: number[] = [];
  let yardstickWall = 0;
  let yardstickCpu = 0;
  const measureYardstick = async (): Promise<void> => {
    const [w0, c0] = [performance.now(), cpuSeconds()];
    yardsticks.push(await yardstick());
    yardstickWall += (performance.now() - w0) / 1000;
    yardstickCpu += cpuSeconds() - c0;
  };
  const wall0 = performance.now();
  const cpu0 = cpuSeconds();
  try {
    const report = await runPipeline(engine, parseConfig({ db }), {
      onStep: async () => {
        if (starts.length > 0) ends.push({ cpu: cpuSeconds(), peak: peakMb() });
        await measureYardstick();
        starts.push(cpuSeconds());
      },
    });
    ends.push({ cpu: cpuSeconds(), peak: peakMb() });
    const [runWall, runCpu] = [(performance.now() - wall0) / 1000 - yardstickWall, cpuSeconds() - cpu0 - yardstickCpu];
    await measureYardstick();
    const steps = report.steps.map((s, i) => ({
      name: s.name,
      wall: round(s.seconds, 2),
      cpu: round((ends[i]?.cpu ?? NaN) - (starts[i] ?? NaN), 2),
      peakMb: round(ends[i]?.peak ?? NaN, 0),
    }));
    return { steps, runWall: round(runWall, 1), runCpu: round(runCpu, 1), runPeakMb: round(peakMb(), 0), yardstick: summarise(yardsticks) };
  } finally {
    await engine.close();
  }
}

async function child(args: readonly string[]): Promise<unknown> {
  const [mode = '', a = '', b = ''] = args;
  const t0 = performance.now();
  switch (mode) {
    case 'generate':
      await generateDemoCompany({ customers: Number(a), seed: 42, outDir: b, format: 'csv' });
      return { seconds: (performance.now() - t0) / 1000 };
    case 'import': {
      const engine = await openStore(b);
      try {
        await importFiles(engine, [a]);
      } finally {
        await engine.close();
      }
      return { seconds: (performance.now() - t0) / 1000, peakMb: peakMb() };
    }
    case 'clickhouse-data':
      await withoutEarlyBirthDates(a, b);
      return { seconds: (performance.now() - t0) / 1000 };
    case 'run':
      return runChild(a);
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

/** The files of `from` in `to`, customers.csv with its birth dates before 1970-01-02 left empty (18.16's first day; texts kept as they are). */
async function withoutEarlyBirthDates(from: string, to: string): Promise<void> {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from)) if (file.endsWith('.csv') && file !== 'customers.csv') linkSync(join(from, file), join(to, file));
  const duckdb = await openStore(':memory:');
  try {
    const source = join(from, 'customers.csv').replaceAll("'", "''");
    const target = join(to, 'customers.csv').replaceAll("'", "''");
    await duckdb.exec(`COPY (SELECT * REPLACE (CASE WHEN birth_date < '1970-01-02' THEN NULL ELSE birth_date END AS birth_date)
      FROM read_csv('${source}', all_varchar = true, header = true)) TO '${target}' (HEADER)`);
  } finally {
    await duckdb.close();
  }
}

function inChild<T>(...args: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as T;
}

const fileBytes = (path: string | null): number | null => (path && existsSync(path) ? statSync(path).size : null);

/** Generates (or reuses), imports (or copies the imported datamart) and runs one size. */
export function benchSize(customers: number, db: string, work: string, reuse: boolean, again = false): SizeFigures {
  const data = join(work, `data-${customers}`);
  let generateSeconds: number | null = null;
  if (!(reuse && existsSync(join(data, '.complete')))) {
    rmSync(data, { recursive: true, force: true });
    generateSeconds = round(inChild<{ seconds: number }>('generate', String(customers), data).seconds, 1);
    // Marks a finished generation, so that --reuse never takes a half-written one.
    mkdirSync(join(data, '.complete'));
  }
  const target = sizedDb(db, customers);
  let importSeconds: number | null = null;
  let importPeakMb: number | null = null;
  if (isUrl(target)) {
    const clickhouseData = `${data}-clickhouse`;
    if (!(reuse && existsSync(join(clickhouseData, '.complete')))) {
      inChild('clickhouse-data', data, clickhouseData);
      mkdirSync(join(clickhouseData, '.complete'));
    }
    const imported = inChild<{ seconds: number; peakMb: number }>('import', clickhouseData, target);
    importSeconds = round(imported.seconds, 1);
    importPeakMb = round(imported.peakMb, 0);
  } else {
    // The imported datamart is kept apart, and each run works on a copy of it: a first run.
    const imported = join(work, `imported-${customers}.duckdb`);
    if (!(reuse && existsSync(imported))) {
      rmSync(imported, { force: true });
      const result = inChild<{ seconds: number; peakMb: number }>('import', data, imported);
      importSeconds = round(result.seconds, 1);
      importPeakMb = round(result.peakMb, 0);
    }
    // The previous run's datamart, its WAL, its profile file and the event log a server kept beside it (a folder) go first.
    const folder = dirname(resolve(target));
    mkdirSync(folder, { recursive: true });
    for (const file of readdirSync(folder)) if (file.startsWith(basename(target))) rmSync(join(folder, file), { force: true, recursive: true });
    copyFileSync(imported, target);
  }
  const run = inChild<RunFigures>('run', target);
  const profiles = isUrl(target) ? null : servingStorePath(target);
  // The files' sizes as the first run left them.
  const profileBytes = fileBytes(profiles);
  const datamartBytes = isUrl(target) ? null : fileBytes(target);
  return { customers, generateSeconds, importSeconds, importPeakMb, ...run, profileBytes, datamartBytes, again: again ? inChild<RunFigures>('run', target) : null };
}

/** Time growth per 3x of data between two sizes: (t2 / t1) ^ (ln 3 / ln(n2 / n1)); 3.0 is linear. */
export function growthPer3x(t1: number, t2: number, n1: number, n2: number): number {
  return (t2 / t1) ** (Math.log(3) / Math.log(n2 / n1));
}

const fmt = (n: number | null, digits = 1): string => (n === null || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** The steps' table: wall and CPU seconds and peak per size, and the growth per 3x between sizes. */
function printSteps(results: readonly SizedRun[]): void {
  const sizes = results.map((r) => r.customers.toLocaleString('en-US'));
  const names = [...new Set(results.flatMap((r) => r.steps.map((s) => s.name)))];
  const growthHeads = results.slice(1).map((r, i) => `x3 CPU ${sizes[i] ?? ''}->${sizes[i + 1] ?? ''}`);
  console.log(`| step | ${sizes.map((s) => `${s}: wall s | CPU s | peak MB`).join(' | ')} | ${growthHeads.join(' | ')} |`);
  console.log(`| --- |${' ---: | ---: | ---: |'.repeat(results.length)}${' ---: |'.repeat(growthHeads.length)}`);
  const growth = (pick: (r: SizedRun) => number | undefined): string[] =>
    results.slice(1).map((r, i) => {
      const prev = results[i];
      const t1 = prev ? pick(prev) : undefined;
      const t2 = pick(r);
      // Steps under 0.5 CPU-s grow by noise.
      return prev && t1 !== undefined && t2 !== undefined && t1 >= 0.5 ? fmt(growthPer3x(t1, t2, prev.customers, r.customers), 2) : '-';
    });
  for (const name of names) {
    const cells = results.map((r) => {
      const s = r.steps.find((x) => x.name === name);
      return s ? `${fmt(s.wall)} | ${fmt(s.cpu)} | ${fmt(s.peakMb, 0)}` : '- | - | -';
    });
    console.log(`| ${name} | ${cells.join(' | ')} | ${growth((r) => r.steps.find((s) => s.name === name)?.cpu).join(' | ')} |`);
  }
  console.log(`| **fidelis run** | ${results.map((r) => `**${fmt(r.runWall)}** | **${fmt(r.runCpu)}** | ${fmt(r.runPeakMb, 0)}`).join(' | ')} | ${growth((r) => r.runCpu).join(' | ')} |`);
}

export function printScale(results: readonly SizeFigures[]): void {
  printSteps(results);
  const again = results.flatMap((r) => (r.again ? [{ ...r.again, customers: r.customers }] : []));
  if (again.length > 0) {
    console.log('');
    console.log('Second `fidelis run` on the same datamart (a nightly run: the first run\'s tables and indexes in place):');
    printSteps(again);
  }
  console.log('');
  for (const r of results) {
    console.log(
      `${r.customers.toLocaleString('en-US')} customers: generate ${fmt(r.generateSeconds)} s, import ${fmt(r.importSeconds)} s (peak ${fmt(r.importPeakMb, 0)} MB), ` +
        `run ${fmt(r.runWall)} s wall, ${fmt(r.runCpu)} CPU-s, peak ${fmt(r.runPeakMb, 0)} MB; ` +
        `datamart ${fmt(r.datamartBytes === null ? null : r.datamartBytes / 1e9, 2)} GB, profile file ${fmt(r.profileBytes === null ? null : r.profileBytes / 1e9, 2)} GB`,
    );
    const y = r.yardstick;
    console.log(
      `  yardstick ${fmt(y.median, 3)} s (median of ${y.seconds.length}, ${fmt(Math.min(...y.seconds), 3)}-${fmt(Math.max(...y.seconds), 3)}): ` +
        `the run is ${fmt(r.runWall / y.median, 0)} yardsticks of wall time and ${fmt(r.runCpu / y.median, 0)} of CPU, comparable across runs on a machine whose speed varies`,
    );
  }
  console.log('yardstick (bench/yardstick.ts): a fixed DuckDB aggregation and a fixed deflate and JSON parse, timed before each step and after the last, left out of the figures');
  console.log(`growth per 3x: (t2 / t1) ^ (ln 3 / ln(n2 / n1)) on CPU seconds, 3.0 is linear; steps under 0.5 CPU-s left out`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) {
    console.log(JSON.stringify(await child(process.argv.slice(at + 1))));
  } else {
    const { values } = parseArgs({
      options: {
        sizes: { type: 'string', default: '100000,300000,1000000' },
        db: { type: 'string' },
        work: { type: 'string' },
        keep: { type: 'boolean' },
        reuse: { type: 'boolean' },
        again: { type: 'boolean' },
      },
    });
    const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
    if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--sizes: positive integers separated by commas, not ${values.sizes}`);
    const work = values.work ? resolve(values.work) : mkdtempSync(join(tmpdir(), 'fidelis-scale-'));
    mkdirSync(work, { recursive: true });
    const db = values.db ?? join(work, 'scale.duckdb');
    const results: SizeFigures[] = [];
    try {
      for (const customers of sizes) {
        const result = benchSize(customers, db, work, values.reuse ?? false, values.again ?? false);
        results.push(result);
        console.error(JSON.stringify(result));
      }
      console.log(`Fidelis scale bench on ${isUrl(db) ? 'ClickHouse' : 'DuckDB'} (${db.replace(/\/\/[^@/]*@/, '//')}), work dir ${work}`);
      printScale(results);
    } finally {
      if (!values.keep && !values.work) rmSync(work, { recursive: true, force: true });
    }
  }
}
