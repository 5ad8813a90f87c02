import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from '../store/index.js';
import { openStore } from '../schema/index.js';
import { readAudit } from './audit.js';
import { compactDatabase, compactionMarker, compactionPending, markCompactionPending } from './database-compaction.js';

describe('database rewrite', () => {
  it('takes a deleted value off the disk, which DELETE and CHECKPOINT leave there, and keeps everything else', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'fidelis-compact-')), 'shop.duckdb');
    const gone = 'gone.person.7f3a@example.org';
    let engine = await openStore(db);
    await engine.exec(sql`INSERT INTO customers (customer_id, source) SELECT 'C' || i, 'store' FROM range(40) t(i)`);
    await engine.exec(sql`INSERT INTO identifiers SELECT 'C' || i, 'email', md5(i::VARCHAR) || '@example.org', 'store', NULL FROM range(40) t(i)`);
    await engine.exec(sql`INSERT INTO identifiers VALUES ('C1', 'email', ${gone}, 'store', NULL)`);
    await engine.exec('CREATE INDEX identifiers_value ON identifiers (value)');
    await engine.exec('CHECKPOINT');
    await engine.exec(sql`DELETE FROM identifiers WHERE value = ${gone}`);
    await engine.exec('CHECKPOINT');
    await engine.close();
    // What the rewrite is for: the bytes are still in the file.
    expect(readFileSync(db).includes(Buffer.from(gone))).toBe(true);

    markCompactionPending(db);
    expect(compactionPending(db)).toBe(true);
    const report = await compactDatabase(db, 'cli:test');
    expect(readFileSync(db).includes(Buffer.from(gone))).toBe(false);
    expect(existsSync(compactionMarker(db))).toBe(false);
    expect(existsSync(`${db}.compact`)).toBe(false);
    expect(report.bytesAfter).toBeGreaterThan(0);

    engine = await openStore(db);
    try {
      expect(await engine.query(sql`SELECT count(*) AS n FROM identifiers`)).toEqual([{ n: 40 }]);
      expect(await engine.query(sql`SELECT count(*) AS n FROM customers`)).toEqual([{ n: 40 }]);
      expect(await engine.query(sql`SELECT index_name FROM duckdb_indexes() WHERE index_name = 'identifiers_value'`)).toEqual([{ index_name: 'identifiers_value' }]);
      const [entry] = await readAudit(engine);
      expect(entry).toMatchObject({ action: 'database_compaction', actor: 'cli:test' });
    } finally {
      await engine.close();
    }
  });
});
