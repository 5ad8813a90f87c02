import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { batchId, retryDelay, sendPlanned } from '../../../src/activation/index.js';
import { parseConfig, type Config } from '../../../src/config/index.js';
import { sql } from '../../../src/store/index.js';
import { contactStates, deliveryDatabase, planCampaign, testClock, UNSUBSCRIBE_SECRET, WEBHOOK_SECRET, withEngine } from './fixture.js';

interface Received {
  readonly path: string;
  readonly key: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
}

/** How a receiver verifies a request (the recipe docs/activation.md gives). */
function validSignature(r: Received): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${r.timestamp}.${r.body}`).digest('hex')}`);
  const given = Buffer.from(r.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// A real HTTP receiver on 127.0.0.1: /flaky fails its first two requests per batch, /down always fails.
describe('webhook destination', () => {
  const received: Received[] = [];
  const seenKeys = new Map<string, number>();
  const kept = new Set<string>();
  let receiver: Server;
  let base = '';
  let db = '';
  const configFor = (path: string, maxAttempts = 4): Config =>
    parseConfig({
      db,
      activation: {
        delivery: { batchSize: 2, webhook: { url: `${base}${path}?token=kept-out-of-logs`, maxAttempts, baseDelayMs: 1000, maxDelayMs: 3000 } },
        // These tests send the same persons many e-mails on one day: the caps (tested in
        // pressure-hold.test.ts) would hold them, and the transport is what is tested here.
        pressure: { caps: { email: [{ max: 1000, days: 1 }], all: [{ max: 1000, days: 1 }] } },
      },
    });

  beforeAll(async () => {
    vi.stubEnv('FIDELIS_WEBHOOK_SECRET', WEBHOOK_SECRET);
    vi.stubEnv('FIDELIS_UNSUBSCRIBE_SECRET', UNSUBSCRIBE_SECRET);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = {
          path: (req.url ?? '').split('?')[0] ?? '',
          key: String(req.headers['idempotency-key']),
          timestamp: String(req.headers['x-fidelis-timestamp']),
          signature: String(req.headers['x-fidelis-signature']),
          body: Buffer.concat(chunks).toString('utf8'),
        };
        received.push(r);
        const tries = (seenKeys.get(r.key) ?? 0) + 1;
        seenKeys.set(r.key, tries);
        if (r.path === '/reject') {
          res.writeHead(422).end('unknown field');
          return;
        }
        if (r.path === '/down') {
          res.writeHead(503).end('maintenance');
          return;
        }
        if (r.path === '/flaky' && tries <= 2) {
          res.writeHead(tries === 1 ? 500 : 429).end('busy');
          return;
        }
        // An idempotent receiver: a key it has seen is acknowledged and not processed again.
        for (const c of (JSON.parse(r.body) as { contacts: { contact_id: string }[] }).contacts) kept.add(`${r.key}:${c.contact_id}`);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    db = await deliveryDatabase();
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('retries with exponential backoff and jitter under one idempotency key, signed, then marks the contacts sent', async () => {
    received.length = 0;
    const clock = testClock(new Date('2024-03-02T10:00:00Z'), [0, 1]);
    const report = await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'HOOK', name: 'Hook', channel: 'sms' }, [
        { contact: 'H-ana', record: 'W9' },
        { contact: 'H-bob', record: 'C2' },
      ]);
      return sendPlanned(engine, configFor('/flaky'), { destination: 'webhook', campaign: 'HOOK', clock });
    });
    // Bob never consented to SMS: cancelled, not posted.
    expect(report).toMatchObject({ examined: 2, sent: 1, batches: 1, retries: 2, cancelled: { 'consent.unknown': 1 } });
    expect(received.map((r) => r.path)).toEqual(['/flaky', '/flaky', '/flaky']);
    expect(new Set(received.map((r) => r.key))).toEqual(new Set([batchId(['H-ana'])]));
    expect(received.every(validSignature)).toBe(true);
    // Each attempt signs its own time: the second one, 500 ms later (1000 ms halved, no jitter), the third 2000 ms after that.
    expect(clock.waits).toEqual([500, 2000]);
    expect(received.map((r) => Number(r.timestamp))).toEqual([1709373600, 1709373600, 1709373602]);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    const body = JSON.parse(received[0]?.body ?? '{}') as { batchId: string; contacts: Record<string, unknown>[] };
    expect(body.contacts).toEqual([
      { contact_id: 'H-ana', campaign_id: 'HOOK', campaign_name: 'Hook', channel: 'sms', person_id: expect.any(String) as string, planned_at: '2024-03-01T08:00:00.000Z', phone: '+33612345678', first_name: 'Ana' },
    ]);
    await withEngine(db, async (engine) => {
      expect((await contactStates(engine, 'HOOK'))['H-ana']).toEqual({ status: 'sent', sent_at: clock.now().toISOString() });
    });
  }, 60_000);

  it('puts a batch that always fails in the dead letters after N attempts, and never posts it again', async () => {
    received.length = 0;
    const clock = testClock();
    const report = await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'DOWN', name: 'Down' }, [
        { contact: 'D-ana', record: 'W9' },
        { contact: 'D-zoe', record: 'C3' },
      ]);
      return sendPlanned(engine, configFor('/down', 3), { destination: 'webhook', campaign: 'DOWN', clock });
    });
    expect(report).toMatchObject({ sent: 0, deadLetters: { batches: 1, contacts: 2 }, retries: 2 });
    expect(received).toHaveLength(3);
    await withEngine(db, async (engine) => {
      const letters = await engine.query<{ batch_id: string; destination: string; contact_ids: string; contacts: number; attempts: number; reason: string }>(
        sql`SELECT batch_id, destination, contact_ids, contacts, attempts, reason FROM delivery_dead_letters`,
      );
      expect(letters).toEqual([
        { batch_id: batchId(['D-ana', 'D-zoe']), destination: `${base}/down`, contact_ids: '["D-ana","D-zoe"]', contacts: 2, attempts: 3, reason: 'HTTP 503: maintenance' },
      ]);
      expect(Object.values(await contactStates(engine, 'DOWN')).map((s) => s.status)).toEqual(['planned', 'planned']);
    });
    const again = await withEngine(db, (engine) => sendPlanned(engine, configFor('/down', 3), { destination: 'webhook', campaign: 'DOWN', clock }));
    expect(again).toMatchObject({ examined: 0, sent: 0 });
    expect(received).toHaveLength(3);
  }, 60_000);

  it('does not retry a refusal of the request itself (a 4xx), and dead-letters it at once', async () => {
    received.length = 0;
    const report = await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'REJECT', name: 'Reject' }, [{ contact: 'J-ana', record: 'W9' }]);
      return sendPlanned(engine, configFor('/reject'), { destination: 'webhook', campaign: 'REJECT', clock: testClock() });
    });
    expect(report).toMatchObject({ sent: 0, retries: 0, deadLetters: { batches: 1, contacts: 1 } });
    expect(received).toHaveLength(1);
    await withEngine(db, async (engine) => {
      const [attempt] = await engine.query<{ status: string; reason: string; attempts: number }>(sql`SELECT status, reason, attempts FROM delivery_attempts WHERE contact_id = 'J-ana'`);
      expect(attempt).toEqual({ status: 'dead', reason: 'HTTP 422: unknown field', attempts: 1 });
    });
  }, 60_000);

  it('takes up a batch a stopped send left under the same key, and sends nothing twice on replay', async () => {
    received.length = 0;
    kept.clear();
    const clock = testClock();
    const config = configFor('/ok');
    await withEngine(db, async (engine) => {
      await planCampaign(engine, { id: 'REPLAY', name: 'Replay' }, [
        { contact: 'P-1', record: 'W9' },
        { contact: 'P-2', record: 'C3' },
        { contact: 'P-3', record: 'C1' },
      ]);
      // A send stopped after recording P-2 and P-3's batch (and perhaps posting it).
      const stopped = batchId(['P-2', 'P-3']);
      await engine.exec(sql`INSERT INTO delivery_attempts VALUES ('P-2', 'webhook', ${stopped}, 'attempting', NULL, 0, ${clock.now()}),
        ('P-3', 'webhook', ${stopped}, 'attempting', NULL, 0, ${clock.now()})`);
    });
    const first = await withEngine(db, (engine) => sendPlanned(engine, config, { destination: 'webhook', campaign: 'REPLAY', clock }));
    expect(first).toMatchObject({ examined: 3, sent: 3, batches: 2 });
    expect(received.map((r) => r.key)).toEqual([batchId(['P-2', 'P-3']), batchId(['P-1'])]);
    const replay = await withEngine(db, (engine) => sendPlanned(engine, config, { destination: 'webhook', campaign: 'REPLAY', clock }));
    expect(replay).toMatchObject({ examined: 0, sent: 0, batches: 0 });
    expect(received).toHaveLength(2);
    expect([...kept].map((k) => k.split(':')[1]).sort()).toEqual(['P-1', 'P-2', 'P-3']);
  }, 60_000);

  it('backs off exponentially up to the cap, jitter taking at most half', () => {
    const settings = parseConfig({ activation: { delivery: { webhook: { baseDelayMs: 1000, maxDelayMs: 5000 } } } }).activation.delivery.webhook;
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(settings, a, 1))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(settings, a, 0))).toEqual([500, 1000, 2000, 2500, 2500]);
  });
});
