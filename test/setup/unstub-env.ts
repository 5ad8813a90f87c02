// Test files share worker processes (vitest.config.ts): environment variables a file sets with
// vi.stubEnv (in beforeAll too) are put back after its last test, so the next file starts without them.
import { afterAll, vi } from 'vitest';

afterAll(() => {
  vi.unstubAllEnvs();
});
