import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { R1ChildConfig, R1FromChild, R1ToChild } from './r1-child.js';

const CHILD = fileURLToPath(new URL('./r1-child.ts', import.meta.url));

/** How a child process ended. */
export interface R1Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when R1 killed it (SIGKILL), false when it exited or crashed on its own. */
  killed: boolean;
}

/**
 * One run of bench/r1-child.ts: started with tsx's loader, its stdout and stderr
 * passed to this process's stderr (so `hearth bench --json` keeps stdout for the
 * report), messages in both directions over IPC, and `kill()` as `kill -9`.
 */
export class R1ChildProcess {
  readonly exited: Promise<R1Exit>;
  readonly #child: ChildProcess;
  #killed = false;

  private constructor(child: ChildProcess, onMessage: (message: R1FromChild) => void) {
    this.#child = child;
    child.on('message', (m) => onMessage(m as R1FromChild));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, killed: this.#killed })));
  }

  static start(config: R1ChildConfig, onMessage: (message: R1FromChild) => void): R1ChildProcess {
    const child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, HEARTH_R1_CHILD: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return new R1ChildProcess(child, onMessage);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends a message; false when the process is already gone (the message is dropped, as a dead receiver drops it). */
  send(message: R1ToChild): boolean {
    if (!this.#child.connected) return false;
    try {
      // An error here is a process killed while the message was on its way: R1 redelivers after the restart.
      this.#child.send(message, () => {});
      return true;
    } catch {
      return false;
    }
  }

  /** `kill -9`: no handler runs, nothing is flushed. */
  kill(): void {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#killed = true;
    this.#child.kill('SIGKILL');
  }
}
