import { basic } from './app.js';
import { waitFor } from './wait.js';

/**
 * Brings a just-started server's event loader to its steady state, for the tests that hold a
 * running server to a latency (events visible within 2 s of their 200).
 *
 * Its first load waits for the loader's worker thread to start (from the sources, through tsx: up
 * to 2 s on a loaded machine), and an event acknowledged during a load makes the loader rest as
 * long as that load took (server.loader.yieldToRequests). So a first event is followed by a rest
 * as long as the thread's start: the next event, the one timed, waited for it (1 s of the 2 s in
 * the runs traced). Two events are sent one after the other, each waited for in the profile API;
 * the second is loaded after that rest and without one of its own (no event comes during its
 * load): the loader is back on its interval.
 */
export async function warmUpLoader(url: string, writeKey: string, readKey: string): Promise<void> {
  for (const n of [1, 2]) {
    const res = await fetch(`${url}/v1/identify`, {
      method: 'POST',
      headers: { authorization: basic(writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({ userId: `u-warm-${n}`, messageId: `warm-${n}`, traits: { email: `warm-${n}@example.com` } }),
    });
    if (res.status !== 200) throw new Error(`warm-up event ${n}: HTTP ${res.status} ${await res.text()}`);
    await waitFor(`warm-up event ${n} in the profile API`, async () => (await fetch(`${url}/v1/customers?userId=u-warm-${n}`, { headers: { authorization: basic(readKey) } })).status === 200, 30_000);
  }
}
