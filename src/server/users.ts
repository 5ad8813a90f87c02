import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { NotFoundError, UsageError } from '../errors.js';
import type { Engine } from '../store/index.js';
import { sql, systemTableSpec } from '../store/index.js';
import { ROLES, ROLE_HELP, type Role } from './roles.js';

export { ROLES, type Role } from './roles.js';

export interface User {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: Date;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** OWASP's minimum for scrypt (N=2^17 would be stronger, at 128 MB and ~300 ms a login on our 2 cores). */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltBytes: 16 } as const;
const MIN_PASSWORD_LENGTH = 10;

function scryptAsync(password: string, salt: Buffer, keyLength: number, { N, r, p }: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; node's default cap (32 MB) is exactly that at N=2^15, r=8.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url: the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const hash = await scryptAsync(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** 144 random bits, 24 characters that survive a copy and paste. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export function checkUserName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(`invalid user name "${name}"; expected 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`);
  }
}

export function checkRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`unknown role "${role}"; expected one of ${ROLES.join(', ')}: ${ROLE_HELP}`);
}

export async function addUser(engine: Engine, name: string, role: Role, password: string): Promise<User> {
  checkUserName(name);
  checkRole(role);
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password is too short: at least ${MIN_PASSWORD_LENGTH} characters`);
  if (await findUser(engine, name)) throw new UsageError(`a user "${name}" exists already; remove it first to replace it`);
  const createdAt = new Date();
  await engine.exec(sql`INSERT INTO users VALUES (${name}, ${role}, ${await hashPassword(password)}, ${createdAt})`);
  return { name, role, createdAt };
}

export async function listUsers(engine: Engine): Promise<User[]> {
  const rows = await engine.query<{ name: string; role: Role; created_at: Date }>(sql`SELECT name, role, created_at FROM ${engine.dialect.latest('users')} AS users ORDER BY name`);
  return rows.map((r) => ({ name: r.name, role: r.role, createdAt: r.created_at }));
}

/**
 * Gives a user another role (granting an analyst personal data makes him a marketer) and ends his
 * sessions, as removeUser does, so that the new role holds from his next login.
 */
export async function setRole(engine: Engine, name: string, role: Role): Promise<User> {
  checkRole(role);
  const user = await findUser(engine, name);
  if (!user) throw new NotFoundError(`no user "${name}"`);
  await engine.transaction(async (tx) => {
    await endSessions(tx, name);
    for (const statement of tx.dialect.updateRows(systemTableSpec('users'), { role: sql`${role}` }, sql`name = ${name}`)) await tx.exec(statement);
  });
  return { name: user.name, role, createdAt: user.createdAt };
}

/** Removes a user and ends his sessions. */
export async function removeUser(engine: Engine, name: string): Promise<void> {
  if (!(await findUser(engine, name))) throw new NotFoundError(`no user "${name}"`);
  await engine.transaction(async (tx) => {
    await endSessions(tx, name);
    for (const statement of tx.dialect.deleteRows('users', sql`name = ${name}`)) await tx.exec(statement);
  });
}

/** Ends a user's sessions by expiring them: seen at once on every engine (see SessionStore.close). */
async function endSessions(engine: Engine, name: string): Promise<void> {
  for (const statement of engine.dialect.updateRows(systemTableSpec('sessions'), { expires_at: sql`${new Date()}` }, sql`user_name = ${name} AND expires_at > ${new Date()}`)) {
    await engine.exec(statement);
  }
}

export async function findUser(engine: Engine, name: string): Promise<(User & { passwordHash: string }) | null> {
  const [row] = await engine.query<{ name: string; role: Role; password_hash: string; created_at: Date }>(
    sql`SELECT name, role, password_hash, created_at FROM ${engine.dialect.latest('users')} AS users WHERE name = ${name}`,
  );
  return row ? { name: row.name, role: row.role, passwordHash: row.password_hash, createdAt: row.created_at } : null;
}

/** A hash of a random password: checked against when the user is unknown, so both answers take as long. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(generatePassword());
  return decoyHash;
}
