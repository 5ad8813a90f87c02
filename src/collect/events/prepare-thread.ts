// Entry of the loader's worker thread: serves ChunkPreparer calls posted by WorkerChunkPreparer.
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkPreparer, type PrepareOptions } from './prepare.js';
import type { PrepareCall, PrepareReply } from './prepare-worker.js';

const preparer = new ChunkPreparer(workerData as PrepareOptions);
const port = parentPort;

async function answer(call: PrepareCall): Promise<PrepareReply> {
  try {
    const result =
      call.method === 'read'
        ? await preparer.read(...call.args)
        : call.method === 'map'
          ? await preparer.map(...call.args)
          : call.method === 'stage'
            ? await preparer.stage()
            : await preparer.discardAhead().then(() => null);
    return { id: call.id, result };
  } catch (error) {
    return { id: call.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

port?.on('message', (call: PrepareCall) => {
  void answer(call).then((reply) => port.postMessage(reply));
});
