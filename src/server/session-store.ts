import { createHash, randomBytes } from 'node:crypto';
import type { Engine } from '../store/index.js';
import { sharedWithOtherProcesses, sql, systemTableSpec } from '../store/index.js';
import type { Role } from './users.js';

/** A logged-in dashboard user, as the session cookie proves it. */
export interface Session {
  readonly user: string;
  readonly role: Role;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

const SESSIONS = systemTableSpec('sessions');

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Sessions, kept in the `sessions` table (the SHA-256 of the cookie only, so a copy of the
 * database does not hand out logins) and cached in memory: a request checks its cookie without a
 * query. One server process owns the database file, so the cache cannot go stale behind its back.
 */
export class SessionStore {
  private readonly cache = new Map<string, Session>();
  /** When each cached session was last read from the table (shared databases only). */
  private readonly readAt = new Map<string, number>();
  /**
   * A datamart other processes write (ClickHouse: `fidelis users remove` beside the server) is
   * read again for a cached session once a second, so such a change holds within a second.
   */
  private readonly recheckMs: number | null;

  constructor(
    private readonly engine: Engine,
    private readonly hours: number,
  ) {
    this.recheckMs = sharedWithOtherProcesses(engine) ? 1000 : null;
  }

  /** A new session: the cookie value (256 random bits) and the session it opens. */
  async open(user: string, role: Role): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const session: Session = { user, role, csrfToken: randomBytes(24).toString('base64url'), expiresAt: new Date(now.getTime() + this.hours * 3_600_000) };
    const hash = sha256(token);
    await this.engine.transaction(async (tx) => {
      for (const statement of tx.dialect.deleteRows('sessions', sql`expires_at <= ${now}`)) await tx.exec(statement);
      await tx.exec(sql`INSERT INTO sessions VALUES (${hash}, ${user}, ${session.csrfToken}, ${now}, ${session.expiresAt})`);
    });
    this.cache.set(hash, session);
    if (this.recheckMs !== null) this.readAt.set(hash, Date.now());
    return { token, session };
  }

  /** The live session of a cookie value, or null (unknown, ended, expired, or its user removed). */
  async find(token: string): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const hash = sha256(token);
    let session = this.cache.get(hash);
    if (session && this.recheckMs !== null && Date.now() - (this.readAt.get(hash) ?? 0) > this.recheckMs) {
      this.cache.delete(hash);
      session = undefined;
    }
    if (!session) {
      // Sessions opened before a restart: read once, then served from memory.
      const [row] = await this.engine.query<{ user_name: string; role: Role; csrf_token: string; expires_at: Date }>(
        sql`SELECT s.user_name, u.role, s.csrf_token, s.expires_at FROM ${this.engine.dialect.latest('sessions')} AS s
          JOIN ${this.engine.dialect.latest('users')} AS u ON u.name = s.user_name WHERE s.token_sha256 = ${hash} AND s.expires_at > ${new Date()}`,
      );
      if (!row) return null;
      session = { user: row.user_name, role: row.role, csrfToken: row.csrf_token, expiresAt: new Date(row.expires_at) };
      this.cache.set(hash, session);
      if (this.recheckMs !== null) this.readAt.set(hash, Date.now());
    }
    if (session.expiresAt.getTime() <= Date.now()) {
      this.cache.delete(hash);
      return null;
    }
    return session;
  }

  async close(token: string): Promise<void> {
    const hash = sha256(token);
    this.cache.delete(hash);
    this.readAt.delete(hash);
    // Ended by expiring it now: a read sees it at once on every engine (on ClickHouse a new
    // version of the row, where a DELETE would be an asynchronous mutation); the next login's
    // clean-up deletes it.
    for (const statement of this.engine.dialect.updateRows(SESSIONS, { expires_at: sql`${new Date()}` }, sql`token_sha256 = ${hash}`)) await this.engine.exec(statement);
  }
}
