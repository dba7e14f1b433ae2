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
    return this.#base + Math.max(0, Date.now() - this.#realBase);
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
