import { DuckDbEngine } from './duckdb-engine.js';
import type { Engine } from './engine.js';
import { migrate } from './migrations.js';

/** Opens the datamart and brings its schema up to date. */
export async function openStore(location: string): Promise<Engine> {
  const engine = await DuckDbEngine.open(location);
  try {
    await migrate(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}
