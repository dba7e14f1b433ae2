import type { ThrottlePolicy } from '../auth/login-throttle.js';
import type { SessionPolicy } from '../auth/sessions.js';
import type { ConnectionStore } from '../connections/connection-store.js';
import type { SecretBox } from '../connections/secret-box.js';
import type { HearthRuntime } from '../runtime/hearth-runtime.js';
import type { SandboxService } from '../runtime/sandbox-service.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import type { OperationsDeps } from './routes/ops-routes.js';

/** What the HTTP layer is given: the runtime, a clock, and the sandbox of each workspace. */
export interface ServerDeps {
  runtime: HearthRuntime;
  clock: () => number;
  /** The sandbox of a workspace (the routes check the caller may reach it first). */
  sandbox: (workspaceId: number) => SandboxService | Promise<SandboxService>;
  /** Platform connections (credentials sealed with the instance secret); unset: the connection routes answer 503. */
  connections?: ConnectionStore;
  /** A connection was added, paused, resumed or removed: the server starts or stops its adapter. */
  connectionChanged?: (connectionId: number) => Promise<void>;
  /** Where platforms reach this Hearth (HEARTH_PUBLIC_URL): Telegram webhooks are registered under it. */
  publicUrl?: string;
  /** Outgoing webhooks (their secrets sealed with the instance secret); unset: the webhook routes answer 503. */
  webhooks?: WebhookStore;
  /** Seals secrets Hearth verifies with (the conversion webhook's) under the instance secret; unset: those routes answer 503. */
  secretBox?: SecretBox;
  /** Where the built dashboard is; unset serves the API only. */
  dashboardRoot?: string;
  logError: (error: Error) => void;
  /** Session lifetime and sign-in rate limit; the defaults suit production. */
  auth?: { sessionPolicy?: SessionPolicy; throttle?: ThrottlePolicy };
  /** Imports uploaded on the dashboard: where uploads wait (default: the system's temp directory) and the largest one (default 1 GB). */
  imports?: { dir: string; maxBytes: number };
  /** `/readyz` and `/metrics`: the metrics the runtime feeds, Redis to probe, the metrics token. */
  operations?: OperationsDeps;
}
