import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { pressureReport, type PressureReport } from '../../../src/activation/pressure/index.js';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';
import { world, type World } from './world.js';

const asOf = new Date('2026-03-10T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number): Date => new Date(asOf.getTime() + days * DAY);

let w: World | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

/** A over the email cap by imported history, D at his CPP cap, B a CNR with Fidelis SMS, C never contacted. */
async function company(location?: string): Promise<World> {
  const made = await world([{ id: 'A' }, { id: 'B', tier: 'CNR', optIn: ['sms'] }, { id: 'C' }, { id: 'D', tier: 'CPP' }], {}, location);
  await made.consentEvent('A', 'email', 'opt_in', at(-100));
  for (const days of [-1, -2, -3]) await made.contact('A', 'email', at(days));
  for (const days of [-1, -2, -3]) await made.contact('D', 'email', at(days));
  await made.consentEvent('B', 'sms', 'opt_in', at(-5));
  await made.contact('B', 'sms', at(-10), 'sent', 'FIDELIS1');
  await made.contact('B', 'sms', at(2), 'planned', 'FIDELIS2');
  await made.contact('B', 'mail', at(-1), 'cancelled', 'FIDELIS2');
  return made;
}

function window(r: PressureReport, scope: string, days: number) {
  const found = r.windows.find((x) => x.scope === scope && x.days === days);
  if (!found) throw new Error(`no window ${scope} ${days}`);
  return found;
}

test('the report shows persons per window and tier, over a cap now and ever, never contacted, and contacts without consent apart', async () => {
  w = await company();
  const r = await pressureReport(w.engine, w.config, asOf);
  expect(r.persons).toBe(4);
  expect(window(r, 'email', 7).rows).toEqual([
    { tier: 'CCM', contacts: 0, persons: 1 },
    { tier: 'CCM', contacts: 3, persons: 1 },
    { tier: 'CNR', contacts: 0, persons: 1 },
    { tier: 'CPP', contacts: 3, persons: 1 },
  ]);
  expect(window(r, 'email', 7).overCap).toEqual([{ tier: 'CCM', persons: 1 }]);
  expect(window(r, 'email', 7).everOverCap).toBe(1);
  expect(window(r, 'sms', 7).everOverCap).toBe(0);
  expect(r.overCapPersons).toBe(1);
  expect(r.overCapExamples).toEqual(['A']);
  expect(r.neverContacted).toEqual([{ tier: 'CCM', persons: 1 }]);
  expect(r.withoutConsent).toEqual({ fidelis: 1, imported: 3 });
  const email = r.verdicts.find((v) => v.channel === 'email');
  expect(email).toEqual({ channel: 'email', allowed: 1, blocked: { 'pressure.capped': 2, 'pressure.tier_transactional_only': 1 } });
});

test('fidelis pressure --json prints the report, and --person explains one person in French', async () => {
  const dir = tempDir();
  const db = join(dir, 'base.duckdb');
  w = await company(db);
  await w.close();
  w = null;
  const config = join(dir, 'fidelis.config.json');
  writeFileSync(config, JSON.stringify({ db }));
  const json = await runCli(['pressure', '--config', config, '--as-of', asOf.toISOString(), '--json']);
  expect(json.stderr).toBe('');
  expect(json.code).toBe(0);
  const report = JSON.parse(json.stdout) as PressureReport;
  expect(report.asOf).toBe(asOf.toISOString());
  expect(report.withoutConsent).toEqual({ fidelis: 1, imported: 3 });
  const text = await runCli(['pressure', '--config', config, '--as-of', asOf.toISOString()]);
  expect(text.stdout).toMatch(/Over a cap now: 1 persons \(e\.g\. A\)/);
  expect(text.stdout).toMatch(/planned by Fidelis 1 \(must be 0\), imported history 3/);
  const person = await runCli(['pressure', '--config', config, '--as-of', asOf.toISOString(), '--person', 'A', '--lang', 'fr']);
  expect(person.stdout).toContain('email  reste 0: plafond atteint : 3 e-mails dans les 7 derniers jours');
  const help = await runCli(['pressure', '--help']);
  expect(help.stdout).toMatch(/--as-of <date>[\s\S]*--json/);
});
