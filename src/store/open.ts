import { DuckDbEngine, type DuckDbSettings } from './duckdb-engine.js';
import type { Engine } from './engine.js';
import { migrate } from './migrations.js';

/** Opens the datamart and brings its schema up to date. */
export async function openStore(location: string, settings: DuckDbSettings = {}): Promise<Engine> {
  const engine = await DuckDbEngine.open(location, settings);
  try {
    await migrate(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}
