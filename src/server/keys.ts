import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError, UsageError } from '../errors.js';
import type { Engine } from '../store/index.js';
import { API_KEYS_TABLE } from '../collect/events/index.js';
import { sharedWithOtherProcesses, sql } from '../store/index.js';

export const SCOPES = ['write', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A key as the server knows it (never its secret). */
export interface ApiKey {
  readonly keyId: string;
  readonly name: string | null;
  readonly scope: Scope;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** `fdl_<12 hex key id>_<32 base64url secret>`: the id finds the row, the secret is checked against its hash. */
const KEY_PATTERN = /^fdl_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** admin may do everything; write and read only their own part. */
export function allows(scope: Scope, needed: Scope): boolean {
  return scope === 'admin' || scope === needed;
}

export async function createKey(engine: Engine, scope: Scope, name?: string): Promise<{ key: string; apiKey: ApiKey }> {
  if (!(SCOPES as readonly string[]).includes(scope)) throw new UsageError(`unknown scope "${scope}"; expected ${SCOPES.join(', ')}`);
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const createdAt = new Date();
  await engine.exec(sql`INSERT INTO api_keys VALUES (${keyId}, ${name ?? null}, ${scope}, ${sha256(secret)}, ${createdAt}, NULL)`);
  return { key: `fdl_${keyId}_${secret}`, apiKey: { keyId, name: name ?? null, scope, createdAt, revokedAt: null } };
}

export async function listKeys(engine: Engine): Promise<ApiKey[]> {
  const rows = await engine.query<{ key_id: string; name: string | null; scope: Scope; created_at: Date; revoked_at: Date | null }>(
    sql`SELECT key_id, name, scope, created_at, revoked_at FROM ${engine.dialect.latest('api_keys')} AS keys ORDER BY created_at, key_id`,
  );
  return rows.map((r) => ({ keyId: r.key_id, name: r.name, scope: r.scope, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

export async function revokeKey(engine: Engine, keyId: string): Promise<void> {
  const id = KEY_PATTERN.exec(keyId)?.[1] ?? keyId;
  const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM api_keys WHERE key_id = ${id}`);
  if (Number(row?.n ?? 0) === 0) throw new NotFoundError(`no key ${id}`);
  // A new version of the row on ClickHouse, which readers of `latest` see at once.
  for (const statement of engine.dialect.updateRows(API_KEYS_TABLE, { revoked_at: sql`${new Date()}` }, sql`key_id = ${id} AND revoked_at IS NULL`)) {
    await engine.exec(statement);
  }
}

interface StoredKey {
  readonly apiKey: ApiKey;
  readonly hash: Buffer;
}

/**
 * The keys in memory, for a check per request without a query. A key unknown to the ring makes
 * it re-read the table, at most once a second (keys created by an admin endpoint, later).
 */
export class KeyRing {
  private keys = new Map<string, StoredKey>();
  private lastReload = 0;

  private constructor(private readonly engine: Engine) {}

  static async load(engine: Engine): Promise<KeyRing> {
    const ring = new KeyRing(engine);
    await ring.reload();
    return ring;
  }

  async reload(): Promise<void> {
    const rows = await this.engine.query<{ key_id: string; name: string | null; scope: Scope; secret_sha256: string; created_at: Date; revoked_at: Date | null }>(
      sql`SELECT key_id, name, scope, secret_sha256, created_at, revoked_at FROM ${this.engine.dialect.latest('api_keys')} AS keys`,
    );
    this.keys = new Map(
      rows.map((r) => [
        r.key_id,
        {
          apiKey: { keyId: r.key_id, name: r.name, scope: r.scope, createdAt: r.created_at, revokedAt: r.revoked_at },
          hash: Buffer.from(r.secret_sha256, 'hex'),
        },
      ]),
    );
    this.lastReload = Date.now();
  }

  /** The key a presented secret stands for, or null when it is malformed, unknown or revoked. */
  async verify(presented: string): Promise<ApiKey | null> {
    const match = KEY_PATTERN.exec(presented);
    if (!match) return null;
    const [, keyId = '', secret = ''] = match;
    if (!this.keys.has(keyId) && Date.now() - this.lastReload > 1000) await this.reload();
    // A datamart other processes write (ClickHouse) may have revoked a key the ring knows: read again once a second.
    else if (sharedWithOtherProcesses(this.engine) && Date.now() - this.lastReload > 1000) await this.reload();
    const stored = this.keys.get(keyId);
    if (!stored || stored.apiKey.revokedAt !== null) return null;
    const hash = createHash('sha256').update(secret).digest();
    return timingSafeEqual(hash, stored.hash) ? stored.apiKey : null;
  }
}
