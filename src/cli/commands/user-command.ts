import type { Command } from 'commander';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { recordAccountEvent } from '../../auth/account-audit.js';
import { createInvitation, invitationPath, MAX_INVITATION_DAYS } from '../../auth/invitations.js';
import { createOperator, findOperatorByEmail, OperatorError, setMembership } from '../../auth/operators.js';
import { WeakPasswordError } from '../../auth/password.js';
import { canBeGroupScoped, isRole, ROLES, type Role } from '../../auth/roles.js';
import { changeTeamMember, disableOperator, enableOperator, listTeam, TeamError } from '../../auth/team.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { findWorkspace } from '../../store/workspaces.js';
import { UsageError, printJsonLine, withRuntime } from '../cli-context.js';

/** Reads a password from standard input: all of it, without the final line break. */
export async function readPasswordFromStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((stream as { isTTY?: boolean }).isTTY) process.stderr.write('Password (then Enter and Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function parseGroups(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = ids.filter((s) => !/^\d+$/.test(s));
  if (bad.length || ids.length === 0) throw new UsageError(`--groups takes group ids separated by commas, like 12,15, not ${JSON.stringify(value)}`);
  return ids.map(Number);
}

function parseRole(value: string): Role {
  if (!isRole(value)) throw new UsageError(`--role is one of ${ROLES.join(', ')}, not ${JSON.stringify(value)}`);
  return value;
}

/** Runs a team change from the command line, turning refusals into usage errors (exit code 1, no stack). */
async function teamCommand<T>(work: (runtime: HearthRuntime) => Promise<T>): Promise<T> {
  return withRuntime(async (runtime) => {
    try {
      return await work(runtime);
    } catch (error) {
      if (error instanceof TeamError || error instanceof OperatorError || error instanceof WeakPasswordError) throw new UsageError(error.message);
      throw error;
    }
  });
}

/** The operator an email names, or a usage error. */
async function operatorByEmail(runtime: HearthRuntime, email: string): Promise<{ id: number; email: string }> {
  const operator = await findOperatorByEmail(runtime.store.db, email);
  if (!operator) throw new UsageError(`no operator ${JSON.stringify(email)}`);
  return operator;
}

/**
 * `hearth user add`: an operator account with a role in a workspace. A new operator
 * needs `--password-stdin` (never a command-line argument, which other users of the
 * machine can see); an existing one is given the role in another workspace.
 */
export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('operators: the people who sign in to the dashboard and API');
  user
    .command('add')
    .description('add an operator to a workspace with a role; prints the account as JSON')
    .requiredOption('--email <email>', 'their email (the sign-in name)')
    .requiredOption('-w, --workspace <slug>', 'the workspace')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')} (analyst: read-only)`)
    .option('--password-stdin', 'read the password from standard input (at least 10 characters)')
    .option('--groups <ids>', 'operators and analysts: only these groups (comma-separated ids); default every group')
    .action(async (opts: { email: string; workspace: string; role: string; passwordStdin?: boolean; groups?: string }) => {
      if (!isRole(opts.role)) throw new UsageError(`--role is one of ${ROLES.join(', ')}, not ${JSON.stringify(opts.role)}`);
      const role = opts.role;
      const groups = parseGroups(opts.groups);
      if (groups && !canBeGroupScoped(role)) throw new UsageError(`an ${role} sees every group; --groups is for operators and analysts`);
      const password = opts.passwordStdin ? await readPasswordFromStdin() : undefined;
      const result = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const workspace = await findWorkspace(db, opts.workspace);
        const now = Date.now();
        try {
          return await db.transaction().execute(async (trx) => {
            const existing = await findOperatorByEmail(trx, opts.email);
            if (existing && password !== undefined) throw new UsageError(`an operator ${existing.email} already exists; to give them a role here, run this again without --password-stdin`);
            if (!existing && password === undefined) throw new UsageError('a new operator needs a password: pipe it in with --password-stdin');
            const operator = existing ? { id: existing.id, email: existing.email } : await createOperator(trx, { email: opts.email, password: password! }, now);
            await setMembership(trx, { operatorId: operator.id, workspaceId: workspace.id, role, ...(groups ? { groups } : {}) }, now);
            await recordAudit(
              trx,
              {
                workspaceId: workspace.id,
                actor: SYSTEM_ACTOR('cli'),
                action: existing ? 'operator.role_set' : 'operator.created',
                target: { kind: 'operator', id: operator.id },
                detail: { email: operator.email, role, groups: groups ?? 'all' },
              },
              now,
            );
            return { id: operator.id, email: operator.email, workspace: workspace.slug, role, groups: groups ?? 'all', created: !existing };
          });
        } catch (error) {
          if (error instanceof WeakPasswordError || error instanceof OperatorError) throw new UsageError(error.message);
          throw error;
        }
      });
      printJsonLine(result);
    });

  user
    .command('list')
    .description("a workspace's team: one JSON line per operator (id, email, role, groups, disabled)")
    .requiredOption('-w, --workspace <slug>', 'the workspace')
    .action(async (opts: { workspace: string }) => {
      const team = await withRuntime(async (runtime) => listTeam(runtime.store.db, (await findWorkspace(runtime.store.db, opts.workspace)).id));
      for (const m of team) printJsonLine({ id: m.operatorId, email: m.email, role: m.role, groups: m.groups, disabled: m.disabled });
    });

  user
    .command('invite')
    .description('invite someone with a role; prints the one-time link last (it works once, until it expires)')
    .requiredOption('--email <email>', 'their email')
    .requiredOption('-w, --workspace <slug>', 'the workspace')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--groups <ids>', 'operators and analysts: only these groups (comma-separated ids); default every group')
    .option('--expires-in-days <n>', `the link works this many days (1 to ${MAX_INVITATION_DAYS}; default 7)`)
    .option('--base-url <url>', "the dashboard's address, to print the whole link (default: the path only)")
    .action(async (opts: { email: string; workspace: string; role: string; groups?: string; expiresInDays?: string; baseUrl?: string }) => {
      const role = parseRole(opts.role);
      const groups = parseGroups(opts.groups);
      const days = opts.expiresInDays === undefined ? undefined : Number(opts.expiresInDays);
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_INVITATION_DAYS)) throw new UsageError(`--expires-in-days takes a whole number from 1 to ${MAX_INVITATION_DAYS}`);
      const made = await teamCommand(async (runtime) => {
        const { db } = runtime.store;
        const workspace = await findWorkspace(db, opts.workspace);
        const now = Date.now();
        const { token, info } = await createInvitation(db, { workspaceId: workspace.id, email: opts.email, role, groups, invitedBy: null, expiresInDays: days }, now);
        await recordAudit(
          db,
          { workspaceId: workspace.id, actor: SYSTEM_ACTOR('cli'), action: 'team.invited', target: { kind: 'invitation', id: info.id }, detail: { email: info.email, role, groups: info.groups } },
          now,
        );
        return { token, info };
      });
      const path = invitationPath(made.token);
      printJsonLine({ id: made.info.id, email: made.info.email, role: made.info.role, groups: made.info.groups, expiresAt: new Date(made.info.expiresAt).toISOString() });
      process.stdout.write(`${opts.baseUrl ? new URL(path, opts.baseUrl).toString() : path}\n`);
    });

  user
    .command('role')
    .description("change an operator's role and groups in a workspace; prints the member as JSON")
    .requiredOption('--email <email>', 'the operator')
    .requiredOption('-w, --workspace <slug>', 'the workspace')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--groups <ids>', 'operators and analysts: only these groups (comma-separated ids), or "all"; default every group')
    .action(async (opts: { email: string; workspace: string; role: string; groups?: string }) => {
      const role = parseRole(opts.role);
      const groups = opts.groups === 'all' ? 'all' : parseGroups(opts.groups);
      const after = await teamCommand(async (runtime) => {
        const { db } = runtime.store;
        const workspace = await findWorkspace(db, opts.workspace);
        const operator = await operatorByEmail(runtime, opts.email);
        const now = Date.now();
        const change = await changeTeamMember(db, { workspaceId: workspace.id, operatorId: operator.id, role, ...(groups ? { groups } : {}) }, now);
        await recordAudit(
          db,
          {
            workspaceId: workspace.id,
            actor: SYSTEM_ACTOR('cli'),
            action: 'team.role_changed',
            target: { kind: 'operator', id: operator.id },
            detail: { email: operator.email, from: { role: change.before.role, groups: change.before.groups }, to: { role: change.after.role, groups: change.after.groups } },
          },
          now,
        );
        return change.after;
      });
      printJsonLine({ id: after.operatorId, email: after.email, role: after.role, groups: after.groups, disabled: after.disabled });
    });

  user
    .command('disable')
    .description('disable an operator: they cannot sign in, and every session and API token of theirs ends at once')
    .requiredOption('--email <email>', 'the operator')
    .action(async (opts: { email: string }) => {
      const result = await teamCommand(async (runtime) => {
        const operator = await operatorByEmail(runtime, opts.email);
        const now = Date.now();
        const done = await disableOperator(runtime.store.db, operator.id, now);
        if (done.changed) {
          await recordAccountEvent(
            runtime.store.db,
            { operatorId: operator.id, actor: SYSTEM_ACTOR('cli'), action: 'team.disabled', detail: { email: operator.email, sessionsEnded: done.sessionsEnded, tokensRevoked: done.tokensRevoked } },
            now,
          );
        }
        return { id: operator.id, email: operator.email, disabled: true, sessionsEnded: done.sessionsEnded, tokensRevoked: done.tokensRevoked };
      });
      printJsonLine(result);
    });

  user
    .command('enable')
    .description('let a disabled operator sign in again (their old sessions and tokens stay ended)')
    .requiredOption('--email <email>', 'the operator')
    .action(async (opts: { email: string }) => {
      const result = await teamCommand(async (runtime) => {
        const operator = await operatorByEmail(runtime, opts.email);
        if (await enableOperator(runtime.store.db, operator.id)) {
          await recordAccountEvent(runtime.store.db, { operatorId: operator.id, actor: SYSTEM_ACTOR('cli'), action: 'team.enabled', detail: { email: operator.email } }, Date.now());
        }
        return { id: operator.id, email: operator.email, disabled: false };
      });
      printJsonLine(result);
    });
}
