/**
 * Seeded randomness for the simulator. Every stream is derived from integers
 * (seed, group index, hour index, ...) so any slice of simulated time can be
 * regenerated on its own and come out identical.
 */

const TWO_POW_32 = 4294967296;

/** Murmur3's finalizer: spreads every input bit over the whole 32-bit word. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes integer parts into one 32-bit seed. Parts may exceed 32 bits (epoch
 * hours, epoch ms), be negative or fractional; all of it is mixed in, so (1, 2),
 * (2, 1), (2**32) and (1.5) all differ.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const whole = Math.floor(part);
    const low = whole >>> 0;
    const high = Math.floor(whole / TWO_POW_32) >>> 0;
    h = fmix32(h ^ low) + 0x6d2b79f5;
    h = fmix32(h ^ high) + 0x1b873593;
    // Fractional seeds (rare) still get their own stream.
    if (whole !== part) h = fmix32(h ^ Math.floor((part - whole) * TWO_POW_32)) + 0x52dce729;
  }
  return fmix32(h);
}

/**
 * A small, fast PRNG (sfc32) with the sampling helpers the simulator needs.
 *
 * @example
 * const rng = Rng.from(seed, groupIndex, hourIndex);
 * const replies = rng.poisson(2.5);
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = seed >>> 0;
    this.#b = (seed ^ 0xdeadbeef) >>> 0;
    this.#c = fmix32(seed + 0x632be5ab);
    this.#d = 1;
    // sfc32 needs a few rounds before nearby seeds stop looking alike.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** A stream seeded from the hash of `parts` (see {@link mixSeed}). */
  static from(...parts: number[]): Rng {
    return new Rng(mixSeed(...parts));
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const rotated = (c << 21) | (c >>> 11);
    this.#c = (rotated + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** Uniform integer in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number {
    return min + Math.floor((maxExclusive - min) * this.float());
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A uniformly chosen element; the array must not be empty. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(items.length * this.float())] as T;
  }

  /** Index chosen with probability proportional to `weights[i]`. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] as number;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Poisson-distributed count; exact below 30, normal approximation above. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** Pareto(alpha) with minimum `xm`: the heavy tail behind "a few speak most". */
  pareto(alpha: number, xm = 1): number {
    return xm / (1 - this.float()) ** (1 / alpha);
  }
}
