/**
 * Seeded randomness. Every person draws from streams keyed by (seed, stream, index), so a person's
 * data is a pure function of the seed and his index: same seed, same files, in any batch order.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator) is hand-written rather than taken
 * from a library: it is a handful of 32-bit operations, and it runs hundreds of millions of times
 * in the generation loop.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    // Mixes the seed words into the whole state before the first output is used.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The generator of one stream: (seed, stream, index) all change its whole output. */
  static of(seed: number, stream: number, index: number): Rng {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let h = mix32(lo ^ 0x9e3779b9);
    h = mix32(h ^ hi ^ 0x85ebca6b);
    h = mix32(h ^ Math.imul(stream + 1, 0xc2b2ae35));
    h = mix32(h ^ (index >>> 0));
    h = mix32(h ^ Math.floor(index / 4294967296));
    return new Rng(h, mix32(h ^ 0x27d4eb2f), mix32(h ^ 0x165667b1), index | 0);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in (0, 1): safe to take the logarithm of. */
  open(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

/** murmur3's finaliser: a bijective 32-bit mix. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A bijection of [0, modulus) keyed by the seed: x -> (a x + c) mod modulus with a coprime to
 * the modulus (a power of ten). Record numbers look unordered yet stay unique by construction.
 */
export class Scrambler {
  private readonly a: number;
  private readonly c: number;

  constructor(
    seed: number,
    key: number,
    readonly modulus: number,
  ) {
    const rng = Rng.of(seed, 0x5c00 + key, 0);
    let a = Math.floor(modulus / 3 + rng.next() * (modulus / 2));
    while (a % 2 === 0 || a % 5 === 0) a++;
    this.a = a;
    this.c = rng.int(modulus);
  }

  map(x: number): number {
    // a x is split in two products so that every term stays below 2^53 for moduli up to 10^9.
    const aHi = Math.floor(this.a / 1e6);
    const aLo = this.a % 1e6;
    return (((aHi * x) % this.modulus) * 1e6 + aLo * x + this.c) % this.modulus;
  }
}

/**
 * A keyed bijection of 48-bit integers (4-round Feistel network on two 24-bit halves), written
 * as 12 hex digits: cookie and session ids that look random yet never collide.
 */
export function hex48(seed: number, value: number): string {
  const key = mix32((seed >>> 0) ^ mix32(Math.floor(seed / 4294967296)));
  let left = Math.floor(value / 16777216) & 0xffffff;
  let right = value & 0xffffff;
  for (let round = 0; round < 4; round++) {
    const f = mix32(right ^ Math.imul(key + round, 0x9e3779b1)) & 0xffffff;
    const next = left ^ f;
    left = right;
    right = next;
  }
  return (left * 16777216 + right).toString(16).padStart(12, '0');
}
