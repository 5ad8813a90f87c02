// The SQL verdict against a plain re-computation in JavaScript, written from the rules as
// docs/activation.md states them, on a generated company with planned and cancelled contacts added.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { contactAllowance } from '../../../src/activation/pressure/index.js';
import { parseConfig, type PressureConfig } from '../../../src/config/index.js';
import { Rng } from '../../../src/generate/prng.js';
import { defaultAsOf } from '../../../src/pipeline/index.js';
import { CONTACT_CHANNELS, sql } from '../../../src/store/index.js';
import { loadDemoCompany, type DemoCompany } from '../../helpers/demo-company.js';

const DAY = 86_400_000;
let company: DemoCompany;
let asOf: Date;

beforeAll(async () => {
  company = await loadDemoCompany({ customers: 600, seed: 1313 });
  asOf = await defaultAsOf(company.engine);
  const records = (await company.engine.query<{ customer_id: string }>('SELECT customer_id FROM customer_persons ORDER BY customer_id')).map((r) => r.customer_id);
  const rng = Rng.of(1313, 7, 0);
  const statuses = ['planned', 'planned', 'planned', 'cancelled', 'sent'] as const;
  const rows = Array.from({ length: 900 }, (_, i) => {
    const record = records[Math.floor(rng.next() * records.length)] ?? '';
    const channel = CONTACT_CHANNELS[Math.floor(rng.next() * CONTACT_CHANNELS.length)] ?? 'email';
    const at = new Date(asOf.getTime() + Math.round((rng.next() * 40 - 20) * DAY));
    return sql`(${`PLAN${i}`}, ${record}, 'PLANNED', ${channel}, ${at}, ${statuses[Math.floor(rng.next() * statuses.length)] ?? 'planned'})`;
  });
  await company.engine.exec(sql`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at, status) VALUES ${sql.join(rows)}`);
  const tickets = Array.from({ length: 40 }, (_, i) => {
    const opened = asOf.getTime() - Math.round(rng.next() * 90 * DAY);
    const closed = rng.next() < 0.3 ? null : new Date(opened + Math.round(rng.next() * 20 * DAY));
    return sql`(${`TPLAN${i}`}, ${records[Math.floor(rng.next() * records.length)] ?? ''}, ${new Date(opened)}, ${closed}, 'complaint', 'phone')`;
  });
  await company.engine.exec(sql`INSERT INTO tickets (ticket_id, customer_id, opened_at, closed_at, type, channel) VALUES ${sql.join(tickets)}`);
}, 240_000);

afterAll(async () => {
  await company.close();
});

interface Facts {
  tier: string | null;
  digital: string | null;
  contacts: { channel: string; at: number; status: string | null }[];
  complaints: { opened: number; closed: number | null }[];
  unsubscribes: number[];
  optIn: Set<string>;
}

const time = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());

async function facts(): Promise<Map<string, Facts>> {
  const e = company.engine;
  const map = new Map<string, Facts>();
  for (const r of await e.query<{ person_id: string }>('SELECT DISTINCT person_id FROM customer_persons')) {
    map.set(r.person_id, { tier: null, digital: null, contacts: [], complaints: [], unsubscribes: [], optIn: new Set() });
  }
  const of = (id: string): Facts => map.get(id) as Facts;
  for (const r of await e.query<{ person_id: string; value_tier: string | null; digital_type: string | null }>('SELECT person_id, value_tier, digital_type FROM customer_classes')) {
    if (map.has(r.person_id)) Object.assign(of(r.person_id), { tier: r.value_tier, digital: r.digital_type });
  }
  for (const r of await e.query<{ person_id: string; channel: string; sent_at: Date; status: string | null }>('SELECT cp.person_id, k.channel, k.sent_at, k.status FROM contacts k JOIN customer_persons cp USING (customer_id)')) {
    of(r.person_id).contacts.push({ channel: r.channel, at: time(r.sent_at), status: r.status });
  }
  for (const r of await e.query<{ person_id: string; type: string; opened_at: Date; closed_at: Date | null }>('SELECT cp.person_id, t.type, t.opened_at, t.closed_at FROM tickets t JOIN customer_persons cp USING (customer_id)')) {
    if (r.type === 'complaint') of(r.person_id).complaints.push({ opened: time(r.opened_at), closed: r.closed_at === null ? null : time(r.closed_at) });
  }
  for (const r of await e.query<{ person_id: string; at: Date }>(`SELECT cp.person_id, r."at" FROM responses r JOIN contacts k USING (contact_id) JOIN customer_persons cp ON cp.customer_id = k.customer_id WHERE r.type = 'unsubscribed'
      UNION ALL SELECT cp.person_id, c."at" FROM consents c JOIN customer_persons cp USING (customer_id) WHERE c.status = 'opt_out'`)) {
    of(r.person_id).unsubscribes.push(time(r.at));
  }
  for (const r of await e.query<{ person_id: string; channel: string }>("SELECT person_id, channel FROM person_consents WHERE status = 'opt_in'")) {
    map.get(r.person_id)?.optIn.add(r.channel);
  }
  return map;
}

interface Expected { used: number; cap: number; remaining: number; reason: string | null }

/** The policy read literally, one person at a time. */
function expected(p: PressureConfig, f: Facts, personId: string, now: number): Map<string, Expected> {
  const treatment = f.tier === 'CPP' || f.tier === 'CCM' || f.tier === 'CNR' ? p.tiers[f.tier] : p.tiers.default;
  const count = (scope: string, days: number): { past: number; planned: number } => {
    const span = days * DAY;
    const mine = f.contacts.filter((c) => c.status !== 'cancelled' && (scope === 'all' || c.channel === scope));
    return {
      past: mine.filter((c) => c.at > now - span && c.at <= now).length,
      planned: mine.filter((c) => c.status === 'planned' && c.at > now && c.at < now + span).length,
    };
  };
  const windows = (scope: 'email' | 'sms' | 'mail' | 'phone' | 'push' | 'all') =>
    p.caps[scope].map((w) => {
      const { past, planned } = count(scope, w.days);
      const cap = w.max + treatment.extraContacts;
      return { used: past + planned, cap, rem: Math.max(cap - past - planned, 0), all: scope === 'all' };
    });
  const rules = p.exclusions.rules.some((r) => r.field === 'digital_type' && f.digital !== null && (r.in ?? []).includes(f.digital));
  const openComplaint = f.complaints.some((c) => c.opened <= now && (c.closed === null || c.closed > now));
  const complaint = f.complaints.some((c) => c.opened > now - p.cooldown.complaintDays * DAY && c.opened <= now);
  const unsubscribed = f.unsubscribes.some((at) => at > now - p.cooldown.unsubscribeDays * DAY && at <= now);
  const person = p.exclusions.persons.includes(personId) ? 'pressure.excluded_person'
    : rules ? 'pressure.excluded_rule'
      : openComplaint && p.exclusions.openComplaint ? 'pressure.excluded_open_complaint'
        : !treatment.marketing ? 'pressure.tier_transactional_only'
          : complaint ? 'pressure.cooldown_complaint'
            : unsubscribed ? 'pressure.cooldown_unsubscribe'
              : null;
  const result = new Map<string, Expected>();
  for (const scope of [...CONTACT_CHANNELS, 'all'] as const) {
    const candidates = scope === 'all' ? windows('all') : [...windows(scope), ...windows('all')];
    const binding = candidates.reduce((best, w) => (w.rem < best.rem ? w : best));
    const consented = scope === 'all' ? f.optIn.size > 0 : f.optIn.has(scope);
    const reason = person ?? (!consented ? 'pressure.no_consent' : binding.rem === 0 ? (binding.all && scope !== 'all' || scope === 'all' ? 'pressure.capped_all' : 'pressure.capped') : null);
    result.set(scope, { used: binding.used, cap: binding.cap, remaining: reason === null ? binding.rem : 0, reason });
  }
  return result;
}

test('the SQL verdict of every person and channel equals a re-computation in JavaScript', async () => {
  const excluded = (await company.engine.query<{ person_id: string }>('SELECT DISTINCT person_id FROM customer_persons ORDER BY person_id LIMIT 3')).map((r) => r.person_id);
  const config = parseConfig({
    activation: {
      pressure: {
        caps: { email: [{ max: 2, days: 7 }, { max: 3, days: 30 }], all: [{ max: 3, days: 14 }, { max: 5, days: 60 }] },
        cooldown: { complaintDays: 45, unsubscribeDays: 20 },
        exclusions: { persons: excluded, rules: [{ field: 'digital_type', in: ['technonul'] }] },
      },
    },
  });
  const policy = config.activation.pressure;
  await contactAllowance(company.engine, config, { asOf });
  const rows = await company.engine.query<{ person_id: string; channel: string; used: number; cap: number; remaining: number; blocked_reason: string | null }>('SELECT * FROM contact_allowance');
  const all = await facts();
  expect(rows.length).toBe(all.size * 6);
  const mismatches: string[] = [];
  const reasons = new Map<string, number>();
  for (const row of rows) {
    const want = expected(policy, all.get(row.person_id) as Facts, row.person_id, asOf.getTime()).get(row.channel) as Expected;
    const got = { used: Number(row.used), cap: Number(row.cap), remaining: Number(row.remaining), reason: row.blocked_reason };
    reasons.set(String(got.reason), (reasons.get(String(got.reason)) ?? 0) + 1);
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${row.person_id} ${row.channel}: SQL ${JSON.stringify(got)}, JS ${JSON.stringify(want)}`);
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
  // The company must exercise the rules, or the comparison proves little.
  for (const reason of ['null', 'pressure.capped', 'pressure.capped_all', 'pressure.no_consent', 'pressure.tier_transactional_only', 'pressure.excluded_person', 'pressure.excluded_rule', 'pressure.excluded_open_complaint', 'pressure.cooldown_complaint', 'pressure.cooldown_unsubscribe']) {
    expect(reasons.get(reason) ?? 0, reason).toBeGreaterThan(0);
  }
}, 120_000);
