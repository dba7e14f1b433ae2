import type { Command } from 'commander';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { createOperator, findOperatorByEmail, OperatorError, setMembership } from '../../auth/operators.js';
import { WeakPasswordError } from '../../auth/password.js';
import { canBeGroupScoped, isRole, ROLES } from '../../auth/roles.js';
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
}
