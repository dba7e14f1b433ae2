import type { Command } from 'commander';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { ConnectionLifecycle } from '../../connections/connection-lifecycle.js';
import { ConnectionStore, type ConnectionSummary } from '../../connections/connection-store.js';
import { ConnectionSettingsError } from '../../connections/platform-connections.js';
import { SecretBox } from '../../connections/secret-box.js';
import { connectablePlatforms } from '../../platforms/platform-registry.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { UsageError, printJsonLine, withRuntime } from '../cli-context.js';

async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs work on the connection store of a workspace, auditing what it changes. */
async function withConnections<T>(
  workspaceRef: string | undefined,
  work: (store: ConnectionStore, workspaceId: number, audit: (c: ConnectionSummary, action: string) => Promise<void>, lifecycle: ConnectionLifecycle) => Promise<T>,
): Promise<T> {
  return withRuntime(async (runtime, config) => {
    const { db } = runtime.store;
    const workspace = await resolveWorkspace(db, workspaceRef);
    const store = new ConnectionStore(db, new SecretBox(config.secret));
    const audit = (c: ConnectionSummary, action: string) =>
      recordAudit(db, { workspaceId: c.workspaceId, actor: SYSTEM_ACTOR('cli'), action, target: { kind: 'connection', id: c.id }, detail: { platform: c.platform, name: c.name } }, Date.now());
    // The same checks and platform steps as the dashboard's: a token Telegram refuses is not stored, a webhook is registered and removed.
    const lifecycle = new ConnectionLifecycle(store, config.publicUrl ? { publicUrl: config.publicUrl } : {});
    try {
      return await work(store, workspace.id, audit, lifecycle);
    } catch (error) {
      if (error instanceof ConnectionSettingsError) throw new UsageError(error.message);
      throw error;
    }
  });
}

/**
 * `hearth connection add|list|pause|resume|remove`: the platform accounts Hearth runs.
 * Settings (with the token) come from standard input, never from the command line,
 * where other users of the machine could read them. A running server picks changes
 * up at its next start.
 */
export function registerConnectionCommand(program: Command): void {
  const connection = program
    .command('connection')
    .description('platform connections (Telegram bots, WeChat accounts, Discord bots)')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const ws = (cmd: Command) => cmd.optsWithGlobals<{ workspace?: string }>().workspace;

  connection
    .command('add <platform> <name>')
    .description(`connect an account (${connectablePlatforms().join(', ')}); its settings are a JSON object on standard input, e.g. {"token":"…","mode":"polling"}`)
    .action(async (platform: string, name: string, _opts: unknown, cmd: Command) => {
      const raw = (await readStdin()).trim();
      if (!raw) throw new UsageError('pipe the settings in as JSON, e.g. echo \'{"token":"…","mode":"polling"}\' | hearth connection add telegram main-bot');
      let settings: unknown;
      try {
        settings = JSON.parse(raw);
      } catch {
        throw new UsageError('the settings on standard input are not valid JSON');
      }
      if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new UsageError('the settings must be a JSON object');
      const added = await withConnections(ws(cmd), async (_store, workspaceId, audit, lifecycle) => {
        const c = await lifecycle.add({ workspaceId, platform, name, settings: settings as Record<string, unknown> }, Date.now()).catch((error: Error) => {
          throw error instanceof ConnectionSettingsError ? error : new UsageError(error.message);
        });
        await audit(c, 'connection.added');
        return c;
      });
      printJsonLine(added);
    });

  connection
    .command('list')
    .description("the workspace's connections (JSON lines; never their credentials)")
    .action(async (_opts: unknown, cmd: Command) => {
      (await withConnections(ws(cmd), (store, workspaceId) => store.list(workspaceId))).forEach(printJsonLine);
    });

  for (const verb of ['pause', 'resume'] as const) {
    connection
      .command(`${verb} <connection>`)
      .description(`${verb} a connection (by name or id)`)
      .action(async (ref: string, _opts: unknown, cmd: Command) => {
        const updated = await withConnections(ws(cmd), async (store, workspaceId, audit, lifecycle) => {
          const id = (await store.find(workspaceId, ref)).id;
          const c = verb === 'pause' ? (await lifecycle.pause(id)).connection : await lifecycle.resume(id);
          await audit(c, `connection.${verb}d`);
          return c;
        });
        printJsonLine(updated);
      });
  }

  connection
    .command('remove <connection>')
    .description('remove a connection (its groups and history stay)')
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const removed = await withConnections(ws(cmd), async (store, workspaceId, audit, lifecycle) => {
        const c = await store.find(workspaceId, ref);
        await lifecycle.remove(c.id);
        await audit(c, 'connection.removed');
        return c;
      });
      printJsonLine({ removed: removed.id, name: removed.name });
    });
}
