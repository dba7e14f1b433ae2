import type { SandboxWorld } from './sandbox-world.js';

/**
 * The CLI sandbox's own clock, kept in the database between commands. It runs like
 * a wall clock from wherever it was last set: `--at` sets it, `tick --until` moves
 * it forward, and in between it advances with real time. (It is a SandboxClock, by
 * shape: the runtime's sandbox service drives it.)
 */
export class StoredSandboxClock {
  #base: number;
  #realBase: number;
  /** While held (a tick runs), the clock stands where it was last set. */
  #held = false;

  private constructor(
    private readonly world: SandboxWorld,
    base: number,
    realBase: number,
  ) {
    this.#base = base;
    this.#realBase = realBase;
  }

  static async load(world: SandboxWorld): Promise<StoredSandboxClock> {
    const stored = await world.state('clock');
    const real = Date.now();
    if (!stored) return new StoredSandboxClock(world, real, real);
    const [base, realBase] = stored.split('@').map(Number);
    return new StoredSandboxClock(world, base ?? real, realBase ?? real);
  }

  now(): number {
    return this.#held ? this.#base : this.#base + Math.max(0, Date.now() - this.#realBase);
  }

  /**
   * Stops the clock running while `work` runs, so the work a tick does happens at the
   * moment it is due, not a few milliseconds of real time later; it runs on from there after.
   */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    await this.set(this.now());
    this.#held = true;
    try {
      return await work();
    } finally {
      this.#held = false;
      await this.set(this.#base);
    }
  }

  async set(at: number): Promise<void> {
    this.#base = at;
    this.#realBase = Date.now();
    await this.world.setState('clock', `${this.#base}@${this.#realBase}`);
  }

  async advanceTo(at: number): Promise<void> {
    if (at > this.now()) await this.set(at);
  }
}
