import { describe, expect, it } from 'vitest';
import { assertStepsCanRun } from '../kernel/index.js';
import { DuckDbEngine, sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { PIPELINE } from './pipeline.js';

/** The tables a fresh datamart has (created by its migrations): what steps may read before any step ran. */
async function baseTables(): Promise<Set<string>> {
  const engine = await openStore(':memory:');
  try {
    const rows = await engine.query<{ table_name: string }>(sql`SELECT table_name FROM information_schema.tables`);
    return new Set(rows.map((r) => r.table_name));
  } finally {
    await engine.close();
  }
}

describe('the pipeline list', () => {
  it('runs every step after the steps that write what it reads, so that each reads only base tables or earlier results', async () => {
    const base = await baseTables();
    const written = new Set<string>();
    const problems: string[] = [];
    for (const step of PIPELINE) {
      for (const table of step.reads) {
        if (!base.has(table) && !written.has(table)) problems.push(`${step.name} reads ${table}, which neither a migration nor an earlier step writes`);
      }
      for (const table of step.writes) written.add(table);
    }
    expect(problems).toEqual([]);
    // The check means something only if steps do read earlier results.
    expect(PIPELINE.some((step) => step.reads.some((t) => !base.has(t)))).toBe(true);
  });

  it('lets DuckDB, the reference engine, run every step: none requires what it lacks', async () => {
    const engine = await DuckDbEngine.open(':memory:');
    try {
      expect(() => assertStepsCanRun(engine, PIPELINE)).not.toThrow();
    } finally {
      await engine.close();
    }
  });

  it('gives every step a unique name, and no two steps write the same table', () => {
    const names = PIPELINE.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    const writers = new Map<string, string>();
    const twice: string[] = [];
    for (const step of PIPELINE) {
      for (const table of step.writes) {
        const other = writers.get(table);
        if (other !== undefined) twice.push(`${table}: ${other} and ${step.name}`);
        writers.set(table, step.name);
      }
    }
    expect(twice).toEqual([]);
  });
});
