/**
 * MBG/NBD customers from the project's BG/NBD simulator: an MBG/NBD customer is a BG/NBD one who
 * may also drop out right after his first purchase, with the same probability p. That coin is
 * drawn from its own seeded stream, independent of his BG/NBD path, which is kept when he survives.
 */
import { Rng, simulateBgNbd, type SimulatedCustomers, type SimulationOptions } from '../../generate/index.js';
import type { MbgNbdParams } from './mbg-nbd.js';

const FIRST_PURCHASE_DROPOUT_STREAM = 0x3b6;

export function simulateMbgNbd(params: MbgNbdParams, options: SimulationOptions): SimulatedCustomers {
  const bg = simulateBgNbd(params, options);
  const x = Int32Array.from(bg.x);
  const tx = Float64Array.from(bg.tx);
  const deathAt = Float64Array.from(bg.deathAt);
  const purchaseTimes = [...bg.purchaseTimes];
  for (let i = 0; i < x.length; i++) {
    if (Rng.of(options.seed, FIRST_PURCHASE_DROPOUT_STREAM, i).next() >= (bg.dropout[i] ?? 0)) continue;
    x[i] = 0;
    tx[i] = 0;
    deathAt[i] = 0;
    purchaseTimes[i] = new Float64Array(0);
  }
  return { ...bg, x, tx, deathAt, purchaseTimes };
}
