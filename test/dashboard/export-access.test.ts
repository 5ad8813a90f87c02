// The role matrix and the CSV dialects over a real socket: who may export, who sees identifiers,
// what bytes each dialect writes, and what the audit log keeps of every export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/server/index.js';
import { sql } from '../../src/store/index.js';
import { basic } from '../server/helpers/app.js';
import { dashboardFixture, type DashboardFixture } from './helpers.js';

const PASSWORD = 'a long enough password';
const USERS = { ana: 'admin', mona: 'marketer', ada: 'analyst', rui: 'read' } as const;
type UserName = keyof typeof USERS;

let f: DashboardFixture;
const sessions = {} as Record<UserName, { cookie: string; csrf: string; body: { role: string; permissions: Record<string, boolean> } }>;

beforeAll(async () => {
  f = await dashboardFixture(600, 5);
  for (const [name, role] of Object.entries(USERS)) await addUser(f.engine, name, role, PASSWORD);
  for (const name of Object.keys(USERS) as UserName[]) {
    const response = await fetch(`${f.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: name, password: PASSWORD }) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { csrfToken: string; role: string; permissions: Record<string, boolean> };
    sessions[name] = { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: body.csrfToken, body };
  }
}, 240_000);
afterAll(async () => {
  await f?.close();
});

const as = (user: UserName, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> =>
  fetch(`${f.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      cookie: sessions[user].cookie,
      'x-csrf-token': sessions[user].csrf,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

const SEGMENT = '/api/segments/value_tier/CPP/export.csv';

/** A person of the CPP tier opted in on email, and the customer_list row the export reads. */
async function optedInCpp(): Promise<string> {
  const plain = await (await as('ana', SEGMENT)).text();
  const id = plain.split('\r\n')[1]?.split(',')[0];
  expect(id).toBeTruthy();
  return id!;
}

describe('the role matrix', () => {
  it("says each role's permissions in the session, the old read role being the analyst", () => {
    expect(sessions.ana.body.permissions).toEqual({ identifiers: true, export: true, admin: true });
    expect(sessions.mona.body.permissions).toEqual({ identifiers: true, export: true, admin: false });
    expect(sessions.ada.body.permissions).toEqual({ identifiers: false, export: false, admin: false });
    expect(sessions.rui.body).toMatchObject({ role: 'read', permissions: { identifiers: false, export: false, admin: false } });
  });

  it('lets admin and marketer export a segment and refuses analyst and read with a 403 that says how to be granted', async () => {
    for (const user of ['ana', 'mona'] as const) expect((await as(user, SEGMENT)).status, user).toBe(200);
    for (const user of ['ada', 'rui'] as const) {
      const refused = await as(user, SEGMENT);
      expect(refused.status, user).toBe(403);
      const { error } = (await refused.json()) as { error: { message: string } };
      expect(error.message).toContain('exporting personal data needs the marketer or admin role');
      expect(error.message).toContain(`fidelis users role ${user} marketer`);
    }
    // A read key may read (the profile API gives it identifiers) but not export; an admin key may.
    expect((await f.get(SEGMENT)).status).toBe(403);
    expect((await f.get(SEGMENT, f.adminKey)).status).toBe(200);
  });

  it('lets admin and marketer save and export an audience and refuses analyst and read', async () => {
    expect((await as('mona', '/api/audiences', { method: 'POST', body: { name: 'cpp-email', where: 'tier in ("CPP") and consent.email' } })).status).toBe(201);
    expect((await as('ada', '/api/audiences', { method: 'POST', body: { name: 'nope', where: 'tier in ("CPP")' } })).status).toBe(403);
    for (const user of ['ana', 'mona'] as const) expect((await as(user, '/api/audiences/cpp-email/export?channel=email')).status, user).toBe(200);
    for (const user of ['ada', 'rui'] as const) {
      const refused = await as(user, '/api/audiences/cpp-email/export?channel=email');
      expect(refused.status, user).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/needs the marketer or admin role; user "\w+" has the (analyst|read) role/);
    }
  });

  it('masks names, e-mails and phones of the list for the analyst and read roles, and shows them to the marketer', async () => {
    const path = '/api/customers?value_tier=CPP&sort=revenue&pageSize=50';
    const seen = (await (await as('mona', path)).json()) as { rows: { id: string; name: string | null; email: string | null; phone: string | null; revenue: number }[]; masked?: boolean };
    expect(seen.masked).toBeUndefined();
    expect(seen.rows.some((r) => r.email !== null && r.name !== null)).toBe(true);
    for (const user of ['ada', 'rui'] as const) {
      const masked = (await (await as(user, path)).json()) as typeof seen;
      expect(masked.masked, user).toBe(true);
      expect(masked.rows.map((r) => [r.id, r.revenue])).toEqual(seen.rows.map((r) => [r.id, r.revenue]));
      expect(masked.rows.every((r) => r.name === null && r.email === null && r.phone === null), user).toBe(true);
    }
  });

  it('refuses a search by e-mail to the analyst (it would say whose address is a customer) and serves it to the marketer', async () => {
    const seen = (await (await as('mona', '/api/customers?sort=revenue&pageSize=20')).json()) as { rows: { id: string; email: string | null }[] };
    const target = seen.rows.find((r) => r.email !== null)!;
    const found = (await (await as('mona', `/api/customers?q=${encodeURIComponent(target.email!)}`)).json()) as { rows: { id: string }[] };
    expect(found.rows.map((r) => r.id)).toContain(target.id);
    const refused = await as('ada', `/api/customers?q=${encodeURIComponent(target.email!)}`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/searching customers .* needs the marketer or admin role/);
  });

  it("masks the 360's identifiers, golden-record names and address, record ids and event properties for the analyst, keeping every figure", async () => {
    const id = await optedInCpp();
    const full = (await (await as('mona', `/api/customers/${encodeURIComponent(id)}`)).json()) as {
      masked?: boolean;
      profile: { id: string; records: string[]; identifiers: { type: string; value: string }[]; profile: Record<string, { value: unknown; source: string | null }>; value: unknown };
      value: unknown;
    };
    const masked = (await (await as('ada', `/api/customers/${encodeURIComponent(id)}`)).json()) as typeof full;
    expect(full.masked).toBeUndefined();
    expect(masked.masked).toBe(true);
    expect(full.profile.identifiers.length).toBeGreaterThan(0);
    const body = JSON.stringify(masked);
    for (const i of full.profile.identifiers) expect(body, `${i.type} leaks`).not.toContain(i.value);
    // The person id stays (the link to his 360; Fidelis names a person after his first record): his other records do not.
    for (const r of full.profile.records.filter((r) => r !== id)) expect(body, `record ${r} leaks`).not.toContain(`"${r}"`);
    for (const key of ['first_name', 'last_name', 'street_address', 'postcode']) {
      const v = full.profile.profile[key]?.value;
      if (typeof v === 'string' && v.length > 2) expect(body, key).not.toContain(v);
    }
    expect(masked.profile.records).toHaveLength(full.profile.records.length);
    expect(masked.value).toEqual(full.value);
    expect(masked.profile.value).toEqual(full.profile.value);
  });

  it("gives the analyst an audience preview's members without their names", async () => {
    const body = { where: 'tier in ("CPP")' };
    const seen = (await (await as('mona', '/api/audiences/preview?limit=10', { method: 'POST', body })).json()) as { members: { person_id: string; first_name: string | null }[] };
    const masked = (await (await as('ada', '/api/audiences/preview?limit=10', { method: 'POST', body })).json()) as typeof seen;
    expect(seen.members.some((m) => m.first_name !== null)).toBe(true);
    expect(masked.members.map((m) => m.person_id)).toEqual(seen.members.map((m) => m.person_id));
    expect(masked.members.every((m) => m.first_name === null)).toBe(true);
  });
});

describe('the CSV dialects', () => {
  it('writes the plain dialect as before: no BOM, commas, points, ISO dates in UTC', async () => {
    const bytes = new Uint8Array(await (await as('mona', SEGMENT)).arrayBuffer());
    expect([...bytes.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    const [header, first] = new TextDecoder().decode(bytes).split('\r\n');
    expect(header).toMatch(/^id,name,email,phone,city,orders,revenue,/);
    expect(header).toContain(',consent_channel,consent_at,consent_source,consent_email,');
    const fields = first!.split(',');
    const cols = header!.split(',');
    expect(fields[cols.indexOf('consent_at')]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(fields[cols.indexOf('last_purchase')]).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });

  it("writes excel-fr: UTF-8 BOM, semicolons, decimal commas, dd/mm/yyyy hh:mm in Paris time, the same persons as plain's", async () => {
    const plainText = await (await as('mona', SEGMENT)).text();
    const response = await as('mona', `${SEGMENT}?dialect=excel-fr`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const plain = plainText.trimEnd().split('\r\n');
    const excel = text.trimEnd().split('\r\n');
    expect(excel).toHaveLength(plain.length);
    expect(excel[0]).toBe(plain[0]!.replaceAll(',', ';'));
    const cols = plain[0]!.split(',');
    // Rows whose fields hold no separator of either dialect compare field by field.
    const simple = plain.slice(1).map((l, i) => [l, excel[i + 1]!] as const).filter(([p, e]) => !p.includes('"') && !e.includes('"'));
    expect(simple.length).toBeGreaterThan(0);
    for (const [p, e] of simple) {
      const pf = p.split(',');
      const ef = e.split(';');
      expect(ef).toHaveLength(pf.length);
      expect(ef[0]).toBe(pf[0]);
      const revenue = cols.indexOf('revenue');
      expect(ef[revenue]).toBe(pf[revenue]!.replace('.', ','));
      const at = new Date(pf[cols.indexOf('consent_at')]!);
      const paris = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).format(at);
      expect(ef[cols.indexOf('consent_at')]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
      expect(ef[cols.indexOf('consent_at')]).toBe(paris);
      const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(pf[cols.indexOf('last_purchase')]!);
      if (day) expect(ef[cols.indexOf('last_purchase')]).toBe(`${day[3]}/${day[2]}/${day[1]}`);
    }
    // Some amount has decimals, written with a comma.
    expect(simple.some(([, e]) => /;\d+,\d+;/.test(e))).toBe(true);
  });

  it('writes an audience export in excel-fr too', async () => {
    const response = await as('mona', '/api/audiences/cpp-email/export?channel=email&dialect=excel-fr');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, first] = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).split('\r\n');
    expect(header).toBe('person_id;first_name;last_name;email;phone;street_address;postcode;city;country;value_tier;consent_channel;consent_at;consent_source');
    expect(first!.split(';')[11]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  });

  it('refuses an unknown dialect with a 400 naming the parameter', async () => {
    const refused = await as('mona', `${SEGMENT}?dialect=excel`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('dialect');
  });

  it('neutralises a formula in a name in both dialects', async () => {
    const id = await optedInCpp();
    await f.engine.exec(sql`UPDATE customer_list SET name = ${'=HYPERLINK("http://x";"a,b")'}, city = ${'@SUM(1+1)'} WHERE person_id = ${id}`);
    try {
      const plain = await (await as('mona', SEGMENT)).text();
      expect(plain).toContain(`${id},"'=HYPERLINK(""http://x"";""a,b"")",`);
      expect(plain).toContain(",'@SUM(1+1),");
      const excel = await (await as('mona', `${SEGMENT}?dialect=excel-fr`)).text();
      expect(excel).toContain(`${id};"'=HYPERLINK(""http://x"";""a,b"")";`);
      expect(excel).toContain(";'@SUM(1+1);");
      expect(excel).not.toMatch(/[;\n]=HYPERLINK/);
    } finally {
      await f.engine.exec(sql`UPDATE customer_list SET name = NULL, city = NULL WHERE person_id = ${id}`);
    }
  });
});

describe('the audit log of exports', () => {
  it('records who exported what, how many rows, in which dialect, and shows it to admins only', async () => {
    const before = Date.now();
    const response = await as('mona', `${SEGMENT}?dialect=excel-fr&channel=email`);
    const exported = Number(response.headers.get('x-fidelis-exported'));
    await response.arrayBuffer();
    const audience = await as('mona', '/api/audiences/cpp-email/export?channel=email&dialect=excel-fr');
    const audienceRows = Number(audience.headers.get('x-fidelis-exported'));
    await audience.arrayBuffer();
    const log = (await (await as('ana', '/api/audit?limit=50')).json()) as {
      entries: { at: string; actor: string; action: string; subject: string; rows: number; detail: Record<string, unknown> }[];
    };
    const mine = log.entries.filter((e) => e.actor === 'user:mona' && Date.parse(e.at) >= before - 1000);
    expect(mine.find((e) => e.action === 'segment_export')).toMatchObject({ subject: 'value_tier=CPP', rows: exported, detail: { dialect: 'excel-fr', channel: 'email', role: 'marketer' } });
    expect(mine.find((e) => e.action === 'audience_export')).toMatchObject({ subject: 'audience=cpp-email', rows: audienceRows, detail: { dialect: 'excel-fr', channel: 'email' } });
    // A refused export leaves no entry; the log itself is for admins.
    expect(log.entries.some((e) => e.actor === 'user:ada' || e.actor === 'user:rui')).toBe(false);
    for (const user of ['mona', 'ada', 'rui'] as const) expect((await as(user, '/api/audit')).status, user).toBe(403);
    expect((await f.get('/api/audit', f.adminKey)).status).toBe(200);
    expect((await fetch(`${f.url}/api/audit`, { headers: { authorization: basic(f.readKey) } })).status).toBe(403);
  });
});
