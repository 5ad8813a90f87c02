/** Saved audiences: create, list with live counts, read, delete. */
import { z } from 'zod';
import { FidelisError } from '../../errors.js';
import { sql, type Engine } from '../../store/index.js';
import type { CompileContext } from './catalogue.js';
import { definitionFromTree, type AudienceDefinition } from './definition.js';
import { AudienceFilterError, AudienceNotFoundError } from './errors.js';
import { countAudience } from './members.js';
import type { AudienceFilter } from './tree.js';

/** Names are typed in a shell and shown in a URL: letters, digits and a few separators. */
export const audienceNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/, 'an audience name: 1 to 80 letters, digits, "_", "." or "-", starting with a letter or digit');

export class AudienceExistsError extends FidelisError {
  constructor(readonly audience: string) {
    super('conflict', `an audience named ${JSON.stringify(audience)} exists already; delete it first or choose another name`);
  }
}

export interface SavedAudience {
  readonly name: string;
  readonly tree: AudienceFilter;
  readonly text: string;
  readonly created_at: string;
  readonly created_by: string;
  readonly updated_at: string;
  /** Persons in it now (counted when read). */
  readonly count: number;
}

interface AudienceRow {
  readonly name: string;
  readonly definition: string;
  readonly text: string;
  readonly created_at: Date;
  readonly created_by: string;
  readonly updated_at: Date;
}

export function checkAudienceName(name: string): string {
  const parsed = audienceNameSchema.safeParse(name);
  if (!parsed.success) throw new AudienceFilterError('bad audience name', parsed.error.issues[0]?.message ?? 'an audience name', { path: 'name' }, JSON.stringify(name));
  return parsed.data;
}

const iso = (d: Date): string => new Date(d).toISOString();

/** A stored definition, checked again: the catalogue may have changed since it was saved. */
export function storedDefinition(row: { readonly definition: string }, ctx: CompileContext): AudienceDefinition {
  return definitionFromTree(JSON.parse(row.definition), ctx);
}

async function readRow(engine: Engine, name: string): Promise<AudienceRow | undefined> {
  const [row] = await engine.query<AudienceRow & Record<string, unknown>>(
    sql`SELECT name, definition, text, created_at, created_by, updated_at FROM audiences WHERE name = ${name}`,
  );
  return row;
}

async function withCount(engine: Engine, row: AudienceRow, ctx: CompileContext): Promise<SavedAudience> {
  const def = storedDefinition(row, ctx);
  return {
    name: row.name, tree: def.tree, text: def.text, created_at: iso(row.created_at), created_by: row.created_by, updated_at: iso(row.updated_at),
    count: await countAudience(engine, def.compiled),
  };
}

export async function createAudience(
  engine: Engine,
  input: { readonly name: string; readonly definition: AudienceDefinition; readonly actor: string },
  ctx: CompileContext,
  now = new Date(),
): Promise<SavedAudience> {
  const name = checkAudienceName(input.name);
  if (await readRow(engine, name)) throw new AudienceExistsError(name);
  await engine.exec(sql`INSERT INTO audiences (name, definition, text, created_at, created_by, updated_at)
    VALUES (${name}, ${JSON.stringify(input.definition.tree)}, ${input.definition.text}, ${now}, ${input.actor}, ${now})`);
  return withCount(engine, (await readRow(engine, name)) as AudienceRow, ctx);
}

export async function listAudiences(engine: Engine, ctx: CompileContext): Promise<SavedAudience[]> {
  const rows = await engine.query<AudienceRow & Record<string, unknown>>(
    sql`SELECT name, definition, text, created_at, created_by, updated_at FROM audiences ORDER BY name`,
  );
  const out: SavedAudience[] = [];
  for (const row of rows) out.push(await withCount(engine, row, ctx));
  return out;
}

export async function getAudience(engine: Engine, name: string, ctx: CompileContext): Promise<SavedAudience> {
  const row = await readRow(engine, name);
  if (!row) throw new AudienceNotFoundError(name);
  return withCount(engine, row, ctx);
}

/** The saved definition, compiled, without counting it. */
export async function audienceDefinition(engine: Engine, name: string, ctx: CompileContext): Promise<AudienceDefinition> {
  const row = await readRow(engine, name);
  if (!row) throw new AudienceNotFoundError(name);
  return storedDefinition(row, ctx);
}

export async function deleteAudience(engine: Engine, name: string): Promise<void> {
  if (!(await readRow(engine, name))) throw new AudienceNotFoundError(name);
  await engine.exec(sql`DELETE FROM audiences WHERE name = ${name}`);
}
