import { describe, expect, it } from 'vitest';
import { openStore } from '../schema/index.js';
import { readAudit, writeAudit } from './audit.js';

describe('audit log', () => {
  it('keeps who did what to how many rows, newest first, in a database the migrations made', async () => {
    const engine = await openStore(':memory:');
    try {
      await writeAudit(engine, { actor: 'user:alice', action: 'segment_export', subject: 'tier=CPP', rows: 12, detail: { channel: 'email' } }, new Date('2026-01-01T00:00:00Z'));
      await writeAudit(engine, { actor: 'cli:root', action: 'person_erase', subject: 'P1', rows: 40 }, new Date('2026-01-02T00:00:00Z'));
      const rows = await readAudit(engine);
      expect(rows.map((r) => [r.actor, r.action, r.subject, Number(r.row_count)])).toEqual([
        ['cli:root', 'person_erase', 'P1', 40],
        ['user:alice', 'segment_export', 'tier=CPP', 12],
      ]);
      expect(JSON.parse(rows[1]?.detail ?? 'null')).toEqual({ channel: 'email' });
    } finally {
      await engine.close();
    }
  });
});
