import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkLogIdentity, EventLoader, EventLog, LogIdentityError, logEntry, readLogId, segmentPath, verifyLog } from '../../src/collect/events/index.js';
import { sql } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { tempDir } from '../helpers/fixtures.js';

const line = (id: string): string =>
  JSON.stringify(logEntry({ type: 'track', userId: 'u', event: 'Signed Up', messageId: id }, new Date('2024-05-01T10:00:00Z'), 'k'));

function kindOf(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof LogIdentityError) return error.kind;
    throw error;
  }
}

/** A folder holding the given segments (empty files) and, when given, an identity. */
function folderWith(segments: number[], id?: string): string {
  const folder = tempDir('fidelis-events-');
  for (const s of segments) writeFileSync(segmentPath(folder, s), '');
  if (id !== undefined) writeFileSync(`${folder}/log-id`, `${id}\n`);
  return folder;
}

describe('checkLogIdentity', () => {
  it('takes any log for a database that never loaded one, and its own log at or right after its position', () => {
    expect(kindOf(() => checkLogIdentity(folderWith([]), null, null))).toBeNull();
    expect(kindOf(() => checkLogIdentity(folderWith([3, 4], 'L'), 'L', { logId: 'L', segment: 3, offset: 120 }))).toBeNull();
    // Segment 3 was loaded to its end and deleted once the position moved on.
    expect(kindOf(() => checkLogIdentity(folderWith([4], 'L'), 'L', { logId: 'L', segment: 3, offset: 120 }))).toBeNull();
  });

  it('refuses a new folder, another log, and a log that lost segments the database had not loaded', () => {
    expect(kindOf(() => checkLogIdentity(folderWith([]), null, { logId: 'L', segment: 2, offset: 10 }))).toBe('new-folder');
    expect(kindOf(() => checkLogIdentity(folderWith([1], 'M'), 'M', { logId: 'L', segment: 1, offset: 10 }))).toBe('other-log');
    expect(kindOf(() => checkLogIdentity(folderWith([6, 7], 'L'), 'L', { logId: 'L', segment: 3, offset: 10 }))).toBe('missing-segments');
    expect(kindOf(() => checkLogIdentity(folderWith([1], 'L'), 'L', { logId: 'L', segment: 3, offset: 10 }))).toBe('missing-segments');
  });

  it('adopts a log from before identities: the folder gets one and the next commit stores it', async () => {
    const folder = tempDir('fidelis-events-');
    writeFileSync(segmentPath(folder, 1), `${line('old-1')}\n${line('old-2')}\n`);
    const engine = await openStore(':memory:');
    // A position saved before migration 7: no log id.
    await engine.exec(sql`INSERT INTO event_log_position (log, segment, "offset", loaded_at) VALUES ('events', 1, ${line('old-1').length + 1}, ${new Date()})`);
    const id = await verifyLog(engine, folder);
    expect(readLogId(folder)).toBe(id);
    const log = new EventLog(folder);
    expect(log.id).toBe(id);
    await log.append([line('new-1')]);
    await log.close();
    const loader = new EventLoader(engine, { folder, keyPages: [] });
    while ((await loader.loadOnce()) !== null);
    expect(await engine.query(sql`SELECT message_id FROM events ORDER BY message_id`)).toEqual([{ message_id: 'new-1' }, { message_id: 'old-2' }]);
    expect(await engine.query(sql`SELECT log_id FROM event_log_position`)).toEqual([{ log_id: id }]);
    await engine.close();
  });
});
