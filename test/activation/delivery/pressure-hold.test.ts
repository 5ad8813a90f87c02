import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sendPlanned } from '../../../src/activation/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { sql } from '../../../src/store/index.js';
import { tempDir } from '../../helpers/fixtures.js';
import { contactStates, deliveryDatabase, planCampaign, testClock, UNSUBSCRIBE_SECRET, withEngine } from './fixture.js';

// The pressure part's verdicts: first from a table shaped as its `contact_allowance` contract,
// written with plain SQL so each verdict is known; then computed by the send itself.
describe('the re-check holds what the contact-pressure policy refuses now', () => {
  let db = '';

  beforeAll(async () => {
    vi.stubEnv('FIDELIS_UNSUBSCRIBE_SECRET', UNSUBSCRIBE_SECRET);
    db = await deliveryDatabase();
  }, 120_000);

  it('holds a cool-down and a broken cap (still planned, counted by reason), sends a contact that is itself the last one its cap allows', async () => {
    const report = await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'PRESS', name: 'Press' }, [
        { contact: 'P-ana', record: 'W9' },
        { contact: 'P-zoe', record: 'C3' },
        { contact: 'P-ana-sms', record: 'W9', channel: 'sms' },
      ]);
      const person = async (record: string): Promise<string> =>
        (await engine.query<{ person_id: string }>(sql`SELECT person_id FROM identity_nodes WHERE node_id = ${record}`))[0]?.person_id ?? '';
      const [ana, zoe] = [await person('W9'), await person('C3')];
      await engine.exec(`CREATE TABLE allowance_for_test (person_id VARCHAR, channel VARCHAR, used BIGINT, cap BIGINT, remaining BIGINT, blocked_reason VARCHAR, reason_params VARCHAR)`);
      await engine.exec(sql`INSERT INTO allowance_for_test VALUES
        (${ana}, 'email', 0, 2, 0, 'pressure.cooldown_complaint', '{"days":30,"since":"2024-02-20"}'),
        (${zoe}, 'email', 2, 2, 0, 'pressure.capped', '{"scope":"email","days":7,"cap":2,"used":2}'),
        (${ana}, 'sms', 3, 2, 0, 'pressure.capped_all', '{"scope":"all","days":30,"cap":2,"used":3}')`);
      return sendPlanned(engine, parseConfig({ db }), {
        destination: 'export', campaign: 'PRESS', out: join(tempDir(), 'press.csv'), allowanceTable: 'allowance_for_test', clock: testClock(),
        channel: 'email',
      });
    });
    expect(report).toMatchObject({ examined: 2, ready: 1, sent: 1, held: { 'pressure.cooldown_complaint': 1 }, cancelled: {} });
    const sms = await withEngine(db, (engine) => sendPlanned(engine, parseConfig({ db }), {
      destination: 'export', campaign: 'PRESS', channel: 'sms', out: join(tempDir(), 'press-sms.csv'), allowanceTable: 'allowance_for_test', clock: testClock(),
    }));
    expect(sms).toMatchObject({ examined: 1, sent: 0, held: { 'pressure.capped_all': 1 } });
    await withEngine(db, async (engine) => {
      const states = await contactStates(engine, 'PRESS');
      expect(Object.fromEntries(Object.entries(states).map(([id, s]) => [id, s.status]))).toEqual({ 'P-ana': 'planned', 'P-ana-sms': 'planned', 'P-zoe': 'sent' });
    });
  }, 60_000);

  it('computes the policy itself when no table is given, and holds every contact during quiet hours until they end', async () => {
    // Sunday 3 March 2024, 11:00 in Paris: Sundays are quiet by default.
    const sunday = new Date('2024-03-03T10:00:00Z');
    const report = await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'QUIET', name: 'Quiet' }, [{ contact: 'Q-zoe', record: 'C3' }]);
      return sendPlanned(engine, parseConfig({ db }), { destination: 'export', campaign: 'QUIET', channel: 'email', out: join(tempDir(), 'q.csv'), clock: testClock(sunday) });
    });
    expect(report).toMatchObject({ examined: 1, sent: 0, held: { 'pressure.quiet_hours': 1 } });
    const monday = await withEngine(db, (engine) =>
      sendPlanned(engine, parseConfig({ db }), { destination: 'export', campaign: 'QUIET', channel: 'email', out: join(tempDir(), 'q2.csv'), clock: testClock(new Date('2024-03-04T09:00:00Z')) }));
    expect(monday).toMatchObject({ examined: 1, sent: 1, held: {} });
    await withEngine(db, async (engine) => {
      // The send's own verdict table is gone.
      const left = await engine.query(sql`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'contact_allowance_send_%'`);
      expect(left).toEqual([]);
    });
  }, 60_000);
});
