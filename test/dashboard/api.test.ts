// The dashboard API over a real socket, on one generated company analysed at two dates: the
// suites share its fixture (generating and analysing it is the slow part).
import { afterAll } from 'vitest';
import { sharedFixture } from './helpers.js';
import './overview.suite.js';
import './customers.suite.js';
import './segments.suite.js';
import './segment-page.suite.js';

afterAll(async () => {
  await (await sharedFixture()).close();
}, 60_000);
