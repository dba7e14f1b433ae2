import { HearthRuntime, type RuntimeOptions } from '../../src/runtime/hearth-runtime.js';
import { SandboxService, type SandboxClock } from '../../src/runtime/sandbox-service.js';
import { setUpWorkspace } from '../../src/runtime/workspace-setup.js';
import type { DatabaseTarget } from '../../src/store/database.js';

/** A clock tests move by hand. */
export class ManualClock implements SandboxClock {
  constructor(public t: number) {}
  now = () => this.t;
  async set(at: number) {
    this.t = at;
  }
  async advanceTo(at: number) {
    this.t = Math.max(this.t, at);
  }
}

/** A runtime on `target` with a workspace (default welcome on) and a sandbox driven by a manual clock. */
export async function sandboxFixture(target: DatabaseTarget, start: number, options: RuntimeOptions = {}) {
  const clock = new ManualClock(start);
  const runtime = await HearthRuntime.open(target, { clock: clock.now, ...options });
  const workspace = await setUpWorkspace(runtime.store.db, 'acme', 'Acme', start);
  const sandbox = new SandboxService(runtime, workspace.id, clock);
  return { clock, runtime, workspace, sandbox };
}
