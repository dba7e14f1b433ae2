import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { suggestLinks } from '../../members/member-links.js';
import { exportMember } from '../../privacy/member-export.js';
import { MemberNotFoundError } from '../../privacy/member-erasure.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import type { Database } from '../../store/schema.js';
import { findWorkspace } from '../../store/workspaces.js';
import { UsageError, printJsonLine, withRuntime } from '../cli-context.js';

const memberId = (value: string, what: string) => {
  if (!/^\d+$/.test(value)) throw new UsageError(`${what} is a member id (a number), not ${JSON.stringify(value)}`);
  return Number(value);
};

/** The workspace of a member: the one named with --workspace (which must hold them), else their own. */
async function memberWorkspace(db: Kysely<Database>, id: number, ref: string | undefined): Promise<number> {
  const row = await db.selectFrom('member').select('workspace_id').where('id', '=', id).executeTakeFirst();
  const workspaceId = ref ? (await findWorkspace(db, ref)).id : row?.workspace_id;
  if (!row || row.workspace_id !== workspaceId) throw new MemberNotFoundError(id);
  return workspaceId;
}

export function registerMemberCommand(program: Command): void {
  const member = program.command('member').description('members across groups and platforms').option('-w, --workspace <slug>', 'workspace (default: the first one)');
  member
    .command('suggest-links')
    .description('members on different platforms who are likely one person (JSON lines)')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (opts: { limit: string }, cmd: Command) => {
      const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
      const suggestions = await withRuntime(async (runtime) => suggestLinks(runtime.store.db, (await resolveWorkspace(runtime.store.db, workspace)).id, Number(opts.limit) || 50));
      suggestions.forEach(printJsonLine);
    });
  member
    .command('link <keep> <merge>')
    .description('make two members one person: <merge> is folded into <keep>')
    .action(async (keep: string, merge: string, _opts: unknown, cmd: Command) => {
      const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
      await withRuntime(async (runtime) => runtime.linkMembers((await resolveWorkspace(runtime.store.db, workspace)).id, memberId(keep, '<keep>'), memberId(merge, '<merge>')));
      process.stdout.write(`member ${merge} is now member ${keep}\n`);
    });
  member
    .command('export <id>')
    .description('everything Hearth holds about one member, as one JSON document (to stdout, or --out)')
    .option('-o, --out <file>', 'write it to this file (readable by you only) instead of stdout')
    .action(async (id: string, opts: { out?: string }, cmd: Command) => {
      const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
      const json = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const memberIdValue = memberId(id, '<id>');
        const workspaceId = await memberWorkspace(db, memberIdValue, workspace);
        const now = Date.now();
        const doc = await exportMember(db, workspaceId, memberIdValue, now);
        await recordAudit(
          db,
          {
            workspaceId,
            actor: SYSTEM_ACTOR('cli'),
            action: 'member.exported',
            target: { kind: 'member', id: memberIdValue },
            detail: { events: doc.events.length, memberships: doc.memberships.length, outbox: doc.outbox.length },
          },
          now,
        );
        return `${JSON.stringify(doc, null, 2)}\n`;
      });
      if (opts.out) {
        await writeFile(opts.out, json, { mode: 0o600 });
        process.stderr.write(`wrote ${opts.out}: it holds personal data; share it only with the member\n`);
      } else process.stdout.write(json);
    });
  member
    .command('erase <id>')
    .description("erase a member's personal data: names become a pseudonym, their messages' text is blanked; figures stay (cannot be undone)")
    .option('--yes', 'confirm: this cannot be undone')
    .action(async (id: string, opts: { yes?: boolean }, cmd: Command) => {
      const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
      const memberIdValue = memberId(id, '<id>');
      if (!opts.yes) throw new UsageError(`erasing member ${memberIdValue} cannot be undone: run again with --yes (\`hearth member export ${memberIdValue}\` first keeps a copy for them)`);
      const report = await withRuntime(async (runtime) => runtime.eraseMember(await memberWorkspace(runtime.store.db, memberIdValue, workspace), memberIdValue, { actor: SYSTEM_ACTOR('cli') }));
      printJsonLine(report);
    });
}
