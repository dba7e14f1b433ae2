import type { Command } from 'commander';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { createApiToken, parseScopes, TokenError } from '../../auth/api-tokens.js';
import { findOperatorByEmail } from '../../auth/operators.js';
import { isRole, permissionsOf } from '../../auth/roles.js';
import { findWorkspace } from '../../store/workspaces.js';
import { UsageError, withRuntime } from '../cli-context.js';

/** `hearth token create`: a bearer token for scripts, printed once (only its hash is kept). */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('API tokens for scripts (Authorization: Bearer …)');
  token
    .command('create')
    .description('create a token for an operator in a workspace; prints the token, which cannot be shown again')
    .requiredOption('-w, --workspace <slug>', 'the workspace the token works in')
    .requiredOption('--email <email>', 'the operator the token acts for (it never has more than their role allows)')
    .requiredOption('--scopes <list>', 'what it may do: read, act, configure (comma-separated)')
    .option('--name <name>', 'a name to recognise it by', 'cli')
    .option('--expires-in-days <n>', 'expire after this many days')
    .action(async (opts: { workspace: string; email: string; scopes: string; name: string; expiresInDays?: string }) => {
      let scopes: ReturnType<typeof parseScopes>;
      try {
        scopes = parseScopes(opts.scopes);
      } catch (error) {
        if (error instanceof TokenError) throw new UsageError(`--scopes: ${error.message}`);
        throw error;
      }
      const days = opts.expiresInDays === undefined ? undefined : Number(opts.expiresInDays);
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) throw new UsageError('--expires-in-days takes a whole number from 1 to 3650');
      const secret = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const workspace = await findWorkspace(db, opts.workspace);
        const operator = await findOperatorByEmail(db, opts.email);
        const member = operator ? await db.selectFrom('workspace_member').select('role').where('operator_id', '=', operator.id).where('workspace_id', '=', workspace.id).executeTakeFirst() : undefined;
        if (!operator || !member || !isRole(member.role)) throw new UsageError(`${opts.email} is not an operator of ${workspace.slug}`);
        const allowed = permissionsOf(member.role);
        const beyond = scopes.filter((s) => !allowed.has(s));
        if (beyond.length) throw new UsageError(`a ${member.role} cannot give a token ${beyond.join(', ')}`);
        const now = Date.now();
        try {
          const created = await createApiToken(db, { workspaceId: workspace.id, operatorId: operator.id, name: opts.name, scopes, expiresAt: days ? now + days * 86_400_000 : null }, now);
          await recordAudit(
            db,
            {
              workspaceId: workspace.id,
              actor: SYSTEM_ACTOR('cli'),
              action: 'token.created',
              target: { kind: 'token', id: created.info.id },
              detail: { name: created.info.name, prefix: created.info.prefix, scopes, operator: operator.email },
            },
            now,
          );
          return created.token;
        } catch (error) {
          if (error instanceof TokenError) throw new UsageError(error.message);
          throw error;
        }
      });
      process.stdout.write(`${secret}\n`);
      process.stderr.write('This token is shown once; store it now. Revoke it from the dashboard or the API.\n');
    });
}
