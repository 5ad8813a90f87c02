import { beforeAll, describe, expect, it } from 'vitest';
import { classSummary, CLASS_DIMENSIONS } from '../../src/segments/index.js';
import { DASHBOARD_DIMENSIONS } from '../../src/dashboard/index.js';
import { sql } from '../../src/store/index.js';
import { sharedFixture, type DashboardFixture } from './helpers.js';
import type { z } from '@hono/zod-openapi';
import type { segmentSchema, segmentsSchema } from '../../src/dashboard/schemas.js';

// The server's own response schemas: a field the API drops or renames breaks the type-check here.
type Segments = z.infer<typeof segmentsSchema>;
type Segment = z.infer<typeof segmentSchema>;

/** RFC 4180 records of a CSV text (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += ch;
  }
  return records;
}

describe('GET /api/segments, a segment, and its CSV export', () => {
  let fx: DashboardFixture;
  let all: Segments;
  beforeAll(async () => {
    fx = await sharedFixture();
    all = await fx.json<Segments>('/api/segments');
  }, 900_000);

  it('lists every class dimension and the RFM cells, each adding up to the whole base', async () => {
    expect(all.dimensions.map((d) => d.dimension)).toEqual([...DASHBOARD_DIMENSIONS]);
    const [total] = await fx.engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM customer_classes`);
    for (const d of all.dimensions) expect(d.values.reduce((s, v) => s + v.customers, 0), d.dimension).toBe(Number(total?.n));
    const cells = all.dimensions.find((d) => d.dimension === 'rfm_cell')?.values.map((v) => v.value) ?? [];
    expect(cells.filter((c) => c !== '(unclassified)').every((c) => /^r[1-5]f[1-5]$/.test(c))).toBe(true);
  });

  it('counts every person of customer_classes in his class, with the revenue classSummary (fidelis segments) gives', async () => {
    for (const dimension of CLASS_DIMENSIONS) {
      const values = all.dimensions.find((d) => d.dimension === dimension)?.values ?? [];
      const counts = await fx.engine.query<{ cls: string; n: number }>(sql`SELECT coalesce(${sql.id(dimension)}, '(unclassified)') AS cls, count(*) AS n
        FROM customer_classes GROUP BY 1`);
      expect(values.map((v) => [v.value, v.customers]).sort()).toEqual(counts.map((c) => [c.cls, Number(c.n)]).sort());
      // classSummary counts buyers only: the others add no revenue.
      for (const expected of await classSummary(fx.engine, dimension)) {
        const got = values.find((v) => v.value === expected.class);
        expect(got?.revenue, `${dimension} ${expected.class}`).toBeCloseTo(expected.revenue, 2);
        expect(got?.margin).toBeCloseTo(expected.grossMargin, 2);
      }
    }
  });

  it("gives a segment's size, value and behaviour; its customers are the list's with that filter and the CSV's lines", async () => {
    for (const [dimension, value] of [['value_tier', 'CPP'], ['grid', 'whale'], ['rfm_cell', 'r5f1'], ['digital_type', 'technophile']] as const) {
      const segment = await fx.json<Segment>(`/api/segments/${dimension}/${value}`);
      const listed = all.dimensions.find((d) => d.dimension === dimension)?.values.find((v) => v.value === value);
      expect(segment.customers, `${dimension}=${value}`).toBe(listed?.customers);
      expect(segment.customers).toBeGreaterThan(0);
      const [sqlCount] = await fx.engine.query<{ n: number; revenue: number; orders: number; recency: number }>(sql`SELECT count(*) AS n,
        sum(CAST(revenue AS DOUBLE)) AS revenue, sum(orders) AS orders, avg(recency_days) AS recency FROM customer_list WHERE ${sql.id(dimension)} = ${value}`);
      expect(segment.customers).toBe(Number(sqlCount?.n));
      expect(segment.revenue).toBeCloseTo(Number(sqlCount?.revenue), 2);
      expect(segment.avgOrders).toBeCloseTo(Number(sqlCount?.orders) / segment.customers, 9);
      expect(segment.avgRecencyDays).toBeCloseTo(Number(sqlCount?.recency), 6);
      const page = await fx.json<{ total: number }>(`/api/customers?${dimension}=${value}&pageSize=1`);
      expect(page.total).toBe(segment.customers);
      expect(segment.channels.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 9);
      expect(segment.categories.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 9);

      const res = await fx.get(`/api/segments/${dimension}/${value}/export.csv`, fx.adminKey);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+\.csv"$/);
      const records = parseCsv(await res.text());
      const [header, ...lines] = records;
      expect(header?.slice(0, 4)).toEqual(['id', 'name', 'email', 'phone']);
      // Persons without email consent (the default channel) are left out, and counted.
      const exported = Number(res.headers.get('x-fidelis-exported'));
      expect(exported + Number(res.headers.get('x-fidelis-left-out'))).toBe(segment.customers);
      expect(lines).toHaveLength(exported);
      expect(new Set(lines.map((l) => l[0])).size).toBe(exported);
      const column = header?.indexOf(dimension) ?? -1;
      expect(lines.every((l) => l.length === header?.length && l[column] === value)).toBe(true);
    }
  });

  it('streams a segment larger than one read batch completely', async () => {
    const biggest = all.dimensions.find((d) => d.dimension === 'value_tier')?.values[0];
    const res = await fx.get(`/api/segments/value_tier/${encodeURIComponent(biggest?.value ?? '')}/export.csv`, fx.adminKey);
    const lines = (await res.text()).split('\r\n').filter((l) => l !== '');
    expect(lines.length - 1).toBe(Number(res.headers.get('x-fidelis-exported')));
    expect(lines.length - 1 + Number(res.headers.get('x-fidelis-left-out'))).toBe(biggest?.customers);
  });

  it('answers 404 for an empty segment and 400 for an unknown dimension; requires a reader', async () => {
    expect((await fx.get('/api/segments/value_tier/XYZ')).status).toBe(404);
    expect((await fx.get('/api/segments/value_tier/XYZ/export.csv', fx.adminKey)).status).toBe(404);
    const bad = await fx.get('/api/segments/height/tall');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('dimension');
    expect((await fx.get('/api/segments', null)).status).toBe(401);
    expect((await fx.get('/api/segments/value_tier/CPP/export.csv', null)).status).toBe(401);
  });

  it('refuses the export to a read key (403, saying the marketer or admin role is needed) and serves it to an admin key', async () => {
    const refused = await fx.get('/api/segments/value_tier/CPP/export.csv');
    expect(refused.status).toBe(403);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/exporting personal data needs the marketer or admin role; key \w+ has the read role/);
    // The read key still reads the segment itself and its customers a page at a time.
    expect((await fx.get('/api/segments/value_tier/CPP')).status).toBe(200);
    expect((await fx.get('/api/segments/value_tier/CPP/export.csv', fx.adminKey)).status).toBe(200);
  });

  it('is documented in /openapi.json', async () => {
    const doc = (await (await fetch(`${fx.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const path of ['/api/overview', '/api/migration', '/api/customers', '/api/customers/{id}', '/api/segments', '/api/segments/{dimension}/{value}', '/api/segments/{dimension}/{value}/export.csv']) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
