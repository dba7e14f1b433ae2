import type { Rng } from '../src/simulator/random.js';
import { R1ChildProcess } from './r1-child-process.js';
import type { R1ChildConfig, R1FromChild } from './r1-child.js';

/** What a mode does with its child processes; the loop does the killing and restarting. */
export interface CrashLoopHooks {
  /** A (re)started child is ready for traffic. */
  ready(child: R1ChildProcess): void;
  /** A message from the child; returns how many units of progress it stands for (a batch acknowledged or ingested). */
  message(message: R1FromChild, child: R1ChildProcess): number;
  /** Right after a kill, before the restart: what the killed process left half-done. */
  afterKill(): Promise<void>;
}

export interface CrashLoopStats {
  kills: number;
  /** Child exits R1 did not cause (each one is restarted, and also counts as a failure of the run if it repeats). */
  crashes: number;
  /** Per kill: ms from the kill to the first progress of the restarted process. */
  recoveryMs: number[];
}

/**
 * Runs the child process, kills it at chosen points of progress and restarts it until
 * it reports that it finished. Kill points are units of progress drawn from the seeded
 * generator; once one is passed, the kill comes after a random delay of up to twice
 * the time a unit has been taking, so it lands at a random phase of the work (inside
 * an ingest transaction, a send, between the two, in an IPC message…).
 */
export class CrashLoop {
  readonly #config: R1ChildConfig;
  readonly #rng: Rng;
  readonly #killPoints: number[];
  readonly #timeoutMs: number;
  #progress = 0;
  #nextKill = 0;
  #unitMs = 20;
  #lastUnitAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #killedAt: number | undefined;
  #finishRequested = false;
  #current: R1ChildProcess | undefined;
  #currentReady = false;
  #finishSent = false;
  #aborted: Error | undefined;
  readonly #stats: CrashLoopStats = { kills: 0, crashes: 0, recoveryMs: [] };

  constructor(options: { config: R1ChildConfig; rng: Rng; killPoints: number[]; timeoutMs: number }) {
    this.#config = options.config;
    this.#rng = options.rng;
    this.#killPoints = [...options.killPoints].sort((a, b) => a - b);
    this.#timeoutMs = options.timeoutMs;
  }

  /** Stops the run: the child is killed and `run` rejects with this error. */
  abort(error: Error): void {
    this.#aborted = error;
    this.#current?.kill();
  }

  /** Asks the child (and every restarted one) to send what is left and exit. */
  requestFinish(): void {
    this.#finishRequested = true;
    this.#sendFinish();
  }

  #sendFinish(): void {
    if (!this.#finishRequested || !this.#current || !this.#currentReady || this.#finishSent) return;
    this.#finishSent = true;
    this.#current.send({ type: 'finish' });
  }

  async run(hooks: CrashLoopHooks): Promise<CrashLoopStats> {
    const deadline = Date.now() + this.#timeoutMs;
    let lastError = '';
    for (;;) {
      if (this.#aborted) throw this.#aborted;
      let finished = false;
      this.#currentReady = false;
      this.#finishSent = false;
      const child = R1ChildProcess.start(this.#config, (message) => {
        if (message.type === 'ready') {
          this.#currentReady = true;
          hooks.ready(child);
          this.#sendFinish();
        } else if (message.type === 'finished') finished = true;
        else if (message.type === 'error') lastError = message.message;
        else {
          const units = hooks.message(message, child);
          if (units > 0) this.#advance(units, child);
        }
      });
      this.#current = child;
      const watchdog = setTimeout(() => child.kill(), Math.max(0, deadline - Date.now()));
      const exit = await child.exited;
      clearTimeout(watchdog);
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#current = undefined;
      if (this.#aborted) throw this.#aborted;
      if (finished && exit.code === 0) return this.#stats;
      if (Date.now() >= deadline) throw new Error(`R1 (${this.#config.mode}): not finished within ${Math.round(this.#timeoutMs / 1000)} s`);
      if (exit.killed) {
        this.#stats.kills++;
        this.#killedAt = performance.now();
        await hooks.afterKill();
      } else {
        this.#stats.crashes++;
        if (this.#stats.crashes >= 3)
          throw new Error(
            `R1 (${this.#config.mode}): the child process failed ${this.#stats.crashes} times without being killed (exit ${exit.code ?? exit.signal}); last error: ${lastError || 'none reported'}`,
          );
      }
    }
  }

  #advance(units: number, child: R1ChildProcess): void {
    const now = performance.now();
    if (this.#killedAt !== undefined) {
      this.#stats.recoveryMs.push(Math.round(now - this.#killedAt));
      this.#killedAt = undefined;
    } else if (this.#lastUnitAt !== undefined) {
      this.#unitMs = 0.8 * this.#unitMs + 0.2 * ((now - this.#lastUnitAt) / units);
    }
    this.#lastUnitAt = now;
    this.#progress += units;
    const point = this.#killPoints[this.#nextKill];
    if (this.#timer === undefined && point !== undefined && this.#progress >= point) {
      this.#nextKill++;
      const delay = this.#rng.float() * 2 * this.#unitMs;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        child.kill();
      }, delay);
    }
  }
}

/** `count` distinct kill points in 1..units−1, from the seeded generator. */
export function killPoints(rng: Rng, units: number, count: number): number[] {
  const points = new Set<number>();
  const n = Math.min(count, Math.max(0, units - 1));
  while (points.size < n) points.add(rng.int(1, units));
  return [...points].sort((a, b) => a - b);
}
