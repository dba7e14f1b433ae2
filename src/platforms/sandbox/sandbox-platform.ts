import { ALL_CAPABILITIES } from '../../core/capabilities.js';
import type { Connection, OpenContext, PlatformModule } from '../platform-module.js';
import { SandboxAdapter } from './sandbox-adapter.js';
import { SandboxWorld } from './sandbox-world.js';

/**
 * The built-in sandbox as a platform module. It needs no account (no settings), can
 * do everything, and keeps its rooms in Hearth's database (`context.db`). The runtime
 * opens one per workspace for delivering and one for the dispatcher to send through.
 */
export const sandboxPlatform = {
  platform: 'sandbox',
  title: 'Sandbox',
  settingsSchema: null,
  capabilities: ALL_CAPABILITIES,
  open(connection: Connection, context: OpenContext): SandboxAdapter {
    if (!context.db) throw new Error("the sandbox keeps its rooms in Hearth's database: open it with context.db");
    return new SandboxAdapter(new SandboxWorld(context.db), context.clock, { sink: context.sink, workspaceId: connection.workspaceId });
  },
} satisfies PlatformModule;
