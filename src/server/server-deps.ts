import type { HearthRuntime } from '../runtime/hearth-runtime.js';
import type { SandboxService } from '../runtime/sandbox-service.js';

/** What the HTTP layer is given: the runtime, a clock, and the sandbox of the workspace it serves. */
export interface ServerDeps {
  runtime: HearthRuntime;
  clock: () => number;
  sandbox: () => Promise<SandboxService>;
  /** Where the built dashboard is; unset serves the API only. */
  dashboardRoot?: string;
  logError: (error: Error) => void;
}
