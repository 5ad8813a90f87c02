import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';

/**
 * DuckDB's readers (read_csv, read_json, read_parquet) take a path as a glob: `*`, `?` and `[...]`
 * in it match other files (measured: importing `customers[1].csv` read `customers1.csv`, and
 * `customers*.csv` read every customers file of its folder), and no option turns that off. Brackets
 * escape them (`[*]`), but not in a path that also holds a backslash, which the matcher reads in
 * its own way; so a path holding any of the four is read through a symbolic link of a plain name
 * in a fresh temporary folder, removed afterwards (microseconds, and no copy of the file).
 * The path is made absolute too, so that a name starting with `~` is not taken for a home folder.
 */
export async function withReadablePath<T>(file: string, read: (path: string) => Promise<T>): Promise<T> {
  const readable = await readablePath(file);
  try {
    return await read(readable.path);
  } finally {
    await readable.release();
  }
}

/** withReadablePath for a reader that outlives one call (a generator): `release` removes the link. */
export async function readablePath(file: string): Promise<{ path: string; release(): Promise<void> }> {
  const absolute = resolve(file);
  if (!/[*?[\\]/.test(absolute)) return { path: absolute, release: async () => {} };
  const folder = await mkdtemp(join(tmpdir(), 'fidelis-import-'));
  const link = join(folder, `file${extname(absolute).toLowerCase()}`);
  await symlink(absolute, link);
  return { path: link, release: () => rm(folder, { recursive: true, force: true }) };
}
