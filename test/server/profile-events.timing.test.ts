import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createKey, startServer } from '../../src/server/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { basic } from './helpers/app.js';
import { warmUpLoader } from './helpers/warm-up.js';

interface Profile {
  identifiers: { type: string; value: string }[];
  lastEvents: { messageId: string }[];
}

describe('events in the profile API', () => {
  it('shows tracked events on the merged profile within 2 seconds of their 200', async () => {
    const dir = tempDir();
    const db = join(dir, 'live.duckdb');
    const setup = await openStore(db);
    const writeKey = (await createKey(setup, 'write')).key;
    const readKey = (await createKey(setup, 'read')).key;
    await setup.close();
    const server = await startServer({ config: parseConfig({ db }), port: 0 });
    try {
      // The claim is about a running server: the loader's start (its thread, and the rest after the first load) is waited for first.
      await warmUpLoader(server.url, writeKey, readKey);
      const res = await fetch(`${server.url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: basic(writeKey), 'content-type': 'application/json' },
        body: JSON.stringify({
          batch: [
            { type: 'identify', userId: 'u-42', anonymousId: 'anon-1', messageId: 'e1', traits: { email: 'Zoe@Example.com', firstName: 'Zoé' } },
            { type: 'track', userId: 'u-42', event: 'Product Viewed', messageId: 'e2', properties: { sku: 'P1' } },
            { type: 'page', anonymousId: 'anon-1', name: 'Home', messageId: 'e3' },
          ],
        }),
      });
      expect(res.status).toBe(200);
      const acknowledged = Date.now();
      let profile: Profile | null = null;
      while (Date.now() - acknowledged < 2000) {
        const answer = await fetch(`${server.url}/v1/customers?email=zoe%40example.com`, { headers: { authorization: basic(readKey) } });
        if (answer.status === 200) {
          profile = (await answer.json()) as Profile;
          if (profile.lastEvents.length === 3) break;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(profile?.lastEvents.map((e) => e.messageId).sort()).toEqual(['e1', 'e2', 'e3']);
      expect(profile?.identifiers.map((i) => i.type).sort()).toEqual(expect.arrayContaining(['anonymousId', 'email', 'userId']));
    } finally {
      await server.close();
    }
  });
});
