import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AudienceFilterError,
  countAudience,
  definitionFromText,
  definitionFromTree,
  parseFilter,
  printFilter,
  audiencePersons,
} from '../../../src/activation/audiences/index.js';
import type { Engine } from '../../../src/store/index.js';
import { AS_OF, audienceFixture } from './fixture.js';

let engine: Engine;
beforeAll(async () => {
  engine = await audienceFixture();
});
afterAll(async () => engine.close());

async function members(text: string): Promise<string[]> {
  const def = definitionFromText(text, { asOf: AS_OF });
  const rows = await engine.query<{ person_id: string }>(audiencePersons(def.compiled));
  return rows.map((r) => r.person_id).sort();
}

describe('audience filter language', () => {
  test.each([
    ['tier in ("CPP","CCM")', ['p1', 'p2', 'p4']],
    ['tier = "CPP" or column = "d4"', ['p1', 'p3']],
    ['p_alive >= 0.5', ['p1', 'p2']],
    ['clv > 100 and recency <= 40', ['p1', 'p2']],
    ['consent.email', ['p1', 'p2']],
    ['not consent.email', ['p3', 'p4', 'p5']],
    ['consent.sms and not consent.email', []],
    ['contacted_within(7d)', ['p1', 'p3']],
    ['contacted_within(7d, "email")', ['p1', 'p3']],
    ['contacted_within(30d, "sms")', ['p2']],
    ['not contacted_within(7d)', ['p2', 'p4', 'p5']],
    ['last_contact >= "2025-06-01"', ['p1', 'p2', 'p3']],
    ['last_contact is null', ['p4', 'p5']],
    ['affinity = "garden"', ['p1']],
    ['affinity in ("toys", "tools")', ['p1', 'p2']],
    ['source = "store"', ['p1', 'p2']],
    ['source in ("events")', ['p5']],
    ['gender = "F" or city = "Lyon"', ['p1', 'p2']],
    ['age >= 30', ['p1']],
    ['interests = "house"', ['p1', 'p4']],
    ['interests is null', ['p3', 'p5']],
    ['preferred_channel = "email"', ['p1']],
    ['preferred_channel is null', ['p3', 'p5']],
    ['trait.plan = "gold"', ['p1']],
    ['trait.score >= 5', ['p1']],
    ['trait.vip = true', ['p5']],
    ['trait.plan in ("free", "silver")', ['p5']],
    ['tier != "CPP"', ['p2', 'p3', 'p4']],
    ['not tier = "CPP"', ['p2', 'p3', 'p4', 'p5']],
    ['tier not in ("CPP")', ['p2', 'p3', 'p4', 'p5']],
    ['(tier = "CPP" or tier = "CNR") and not (p_alive < 0.5)', ['p1']],
    ['rfm_segment = "at risk" and digital_type = "technonul" and grid = "minnow"', ['p3']],
    ['last_purchase < "2024-12-31T00:00:00Z"', ['p3', 'p4']],
  ])('%s selects %j', async (text, expected) => {
    expect(await members(text)).toEqual(expected);
  });

  test('the example of the issue parses, compiles and counts', async () => {
    const def = definitionFromText('tier in ("CPP","CCM") and p_alive >= 0.5 and consent.email and not contacted_within(7d)', { asOf: AS_OF });
    expect(def.text).toBe('tier in ("CPP", "CCM") and p_alive >= 0.5 and consent.email and not contacted_within(7d)');
    expect(await countAudience(engine, def.compiled)).toBe(1);
  });

  test('text and JSON forms are one tree: text -> tree -> text -> tree', () => {
    const text = 'not (tier = "CPP" or tier in ("CNR")) and (clv > -1.5e3 or trait.plan is not null) and not not consent.sms';
    const first = parseFilter(text).tree;
    const printed = printFilter(first);
    const second = parseFilter(printed).tree;
    expect(second).toEqual(first);
    expect(printFilter(second)).toBe(printed);
    const fromJson = definitionFromTree(JSON.parse(JSON.stringify(first)), { asOf: AS_OF });
    expect(fromJson.tree).toEqual(first);
    expect(fromJson.text).toBe(printed);
  });

  test('keywords are case-insensitive and a and (b and c) is one and', () => {
    expect(parseFilter('consent.email AND (consent.sms And tier = "CPP")').tree).toEqual({
      kind: 'and',
      args: [{ kind: 'flag', field: 'consent.email' }, { kind: 'flag', field: 'consent.sms' }, { kind: 'compare', field: 'tier', op: '=', value: 'CPP' }],
    });
  });
});

function refusal(text: string): AudienceFilterError {
  try {
    definitionFromText(text, { asOf: AS_OF });
  } catch (error) {
    if (error instanceof AudienceFilterError) return error;
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe('refusals name the position and what was expected', () => {
  test('an unknown field, at its offset', () => {
    const e = refusal('tier = "CPP" and\n  lifetime > 3');
    expect(e.where).toEqual({ position: { offset: 19, line: 2, column: 3 } });
    expect(e.problem).toBe('unknown field');
    expect(e.found).toBe('"lifetime"');
    expect(e.message).toContain('line 2, column 3');
  });

  test('a value of the wrong type points at the value', () => {
    const e = refusal('p_alive >= "high"');
    expect(e.where).toEqual({ position: { offset: 11, line: 1, column: 12 } });
    expect(e.expected).toContain('a number');
  });

  test('an enum value outside the list names the allowed values', () => {
    const e = refusal('tier in ("CPP", "VIP")');
    expect(e.where).toEqual({ position: { offset: 16, line: 1, column: 17 } });
    expect(e.expected).toBe('one of "CPP", "CCM", "CNR"');
  });

  test.each([
    ['tier = ', 7, 'a value'],
    ['tier in ("CPP" "CCM")', 15, '"," or ")"'],
    ['(consent.email', 14, '")"'],
    ['consent.email consent.sms', 14, '"and", "or"'],
    ['tier = "CPP', 7, 'double-quoted string'],
    ['clv > 1e999', 6, 'a finite number'],
    ['contacted_within(7)', 17, 'a duration'],
    ['contacted_within(7d, "fax")', 21, 'one of email'],
    ['tier >= "CPP"', 0, '= , != or in'],
    ['clv', 0, 'a comparison'],
    ['consent.email in (true)', 0, 'consent.email or not consent.email'],
    ['trait.plan > "a"', 13, 'a number'],
    ['trait.bad-name = 1', 9, 'a field name, a value'],
    ['tier = "a\\u0000b"', 7, 'text without NUL'],
    ['tier = "\\ud800"', 7, 'well-formed Unicode'],
    ['tier = 1; DROP TABLE customers', 8, 'a field name, a value'],
    ['last_contact > "yesterday"', 15, 'an ISO date'],
  ])('%j is refused at offset %i expecting %s', (text, offset, expected) => {
    const e = refusal(text);
    expect(e).toBeInstanceOf(AudienceFilterError);
    expect(e.where).toMatchObject({ position: { offset } });
    expect(e.expected).toContain(expected);
  });

  test('the JSON tree is refused with the path of the bad node', () => {
    const bad = { kind: 'and', args: [{ kind: 'flag', field: 'consent.email' }, { kind: 'compare', field: 'tier', op: '=', value: 'VIP' }] };
    expect(() => definitionFromTree(bad, { asOf: AS_OF })).toThrowError(/at args\.1\.value0: tier has no value "VIP"/);
    expect(() => definitionFromTree({ kind: 'compare', field: 'clv', op: 'LIKE', value: 1 }, { asOf: AS_OF })).toThrowError(/at op:/);
  });
});
