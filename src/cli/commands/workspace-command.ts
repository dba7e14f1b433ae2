import type { Command } from 'commander';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { setUpWorkspace } from '../../runtime/workspace-setup.js';
import { UsageError, printJsonLine, withRuntime } from '../cli-context.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `hearth workspace add <slug> [--name N]`: a new workspace, the unit of isolation. */
export function registerWorkspaceCommand(program: Command): void {
  const workspace = program.command('workspace').description('workspaces: each is isolated from the others (groups, members, operators, audit log)');
  workspace
    .command('add <slug>')
    .description('create a workspace (lowercase letters, digits and -); prints it as JSON')
    .option('--name <name>', 'display name (default: the slug)')
    .action(async (slug: string, opts: { name?: string }) => {
      if (!SLUG.test(slug)) throw new UsageError(`a workspace slug is lowercase letters, digits and -, not ${JSON.stringify(slug)}`);
      const name = (opts.name ?? slug).trim();
      if (!name || name.length > 200) throw new UsageError('--name takes 1 to 200 characters');
      const created = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        if (await db.selectFrom('workspace').select('id').where('slug', '=', slug).executeTakeFirst()) throw new UsageError(`a workspace ${slug} already exists`);
        const now = Date.now();
        const ws = await setUpWorkspace(db, slug, name, now);
        await recordAudit(db, { workspaceId: ws.id, actor: SYSTEM_ACTOR('cli'), action: 'workspace.created', target: { kind: 'workspace', id: ws.id }, detail: { slug, name } }, now);
        return ws;
      });
      printJsonLine(created);
    });
}
