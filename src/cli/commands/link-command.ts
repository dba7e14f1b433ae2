import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { SecretBox } from '../../connections/secret-box.js';
import { REPORT_DIMENSIONS, type ReportDimension } from '../../conversion/links/link-report.js';
import { InvalidLinkError } from '../../conversion/links/link-rules.js';
import { ConversionImportError, childLink, conversionReport, createLink, importConversions, listLinks, rotateHookSecret, setWindowDays } from '../../conversion/links/link-store.js';
import { CHANNELS } from '../../growth/growth-code.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import type { MoneySum, ReportRow } from '../../shared/link-records.js';
import type { Database } from '../../store/schema.js';
import { printJsonLine, UsageError, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

/** A row of the workspace's table by id or exact name; an unknown or ambiguous name is a usage error. */
async function findByIdOrName(db: Kysely<Database>, workspaceId: number, table: 'member' | 'chat_group', ref: string): Promise<number> {
  const nameColumn = table === 'member' ? 'display_name' : 'name';
  const what = table === 'member' ? 'member' : 'group';
  if (/^\d+$/.test(ref)) {
    const byId = await db.selectFrom(table).select('id').where('workspace_id', '=', workspaceId).where('id', '=', Number(ref)).executeTakeFirst();
    if (byId) return byId.id;
  }
  const found = await db.selectFrom(table).select('id').where('workspace_id', '=', workspaceId).where(nameColumn, '=', ref).execute();
  if (found.length === 0) throw new UsageError(`no ${what} ${JSON.stringify(ref)} in this workspace`);
  if (found.length > 1) throw new UsageError(`${found.length} ${what}s are named ${JSON.stringify(ref)}: give the id (${found.map((m) => m.id).join(', ')})`);
  return found[0]!.id;
}

/** Runs on the workspace; a refused input is a usage error naming what is wrong. */
async function withWorkspace<T>(options: Common, work: (db: Kysely<Database>, workspaceId: number, now: number, secret: string) => Promise<T>): Promise<T> {
  return withRuntime(async (runtime, config) => {
    const workspace = await resolveWorkspace(runtime.store.db, options.workspace);
    try {
      return await work(runtime.store.db, workspace.id, Date.now(), config.secret);
    } catch (error) {
      if (error instanceof InvalidLinkError || error instanceof ConversionImportError) throw new UsageError(error.message);
      throw error;
    }
  });
}

const money = (sums: MoneySum[]) => (sums.length ? sums.map((s) => `${s.amountMinor} ${s.currency}`).join(' + ') : '0');
const rate = (r: ReportRow) => (r.conversionRate === null ? '—' : `${(r.conversionRate * 100).toFixed(1)}%`);

/** `hearth link` and `hearth conversion`: tracked links, the conversions that come back, and who they are attributed to. */
export function registerLinkCommand(program: Command): void {
  const link = program
    .command('link')
    .description('tracked links (/l/<code>): each click counted and attributed, then redirected to the link’s own target')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const common = (cmd: Command): Common => cmd.optsWithGlobals();

  link
    .command('add <campaign> <url>')
    .description('create a tracked link to an http(s) URL; prints its code last (share https://<your hearth>/l/<code>)')
    .option('--channel <channel>', `where it is shared: ${CHANNELS.join(', ')}`, 'custom')
    .option('--group <group>', 'the group it is posted in (id or exact name)')
    .option('--member <member>', 'the member it is for (id or exact name)')
    .action(async (campaign: string, url: string, opts: { channel: string; group?: string; member?: string }, cmd: Command) => {
      const made = await withWorkspace(common(cmd), async (db, workspaceId, now) =>
        createLink(
          db,
          {
            workspaceId,
            campaign,
            channel: opts.channel,
            targetUrl: url,
            groupId: opts.group !== undefined ? await findByIdOrName(db, workspaceId, 'chat_group', opts.group) : null,
            memberId: opts.member !== undefined ? await findByIdOrName(db, workspaceId, 'member', opts.member) : null,
            createdBy: 'cli',
          },
          now,
        ),
      );
      process.stdout.write(`created tracked link for ${made.campaign} (${made.channel}) → ${made.targetUrl}: /l/${made.code} ${made.code}\n`);
    });

  link
    .command('child <code>')
    .description("the link's own code for one group and/or member (same campaign, channel and target; made once, the same after); prints the code last")
    .option('--group <group>', 'the group (id or exact name)')
    .option('--member <member>', 'the member (id or exact name)')
    .action(async (code: string, opts: { group?: string; member?: string }, cmd: Command) => {
      if (opts.group === undefined && opts.member === undefined) throw new UsageError('give --group, --member or both');
      const made = await withWorkspace(common(cmd), async (db, workspaceId, now) => {
        const parent = await db.selectFrom('tracked_link').select('id').where('workspace_id', '=', workspaceId).where('code', '=', code).executeTakeFirst();
        if (!parent) throw new UsageError(`no tracked link ${JSON.stringify(code)} in this workspace`);
        return childLink(
          db,
          {
            workspaceId,
            linkId: parent.id,
            groupId: opts.group !== undefined ? await findByIdOrName(db, workspaceId, 'chat_group', opts.group) : null,
            memberId: opts.member !== undefined ? await findByIdOrName(db, workspaceId, 'member', opts.member) : null,
            createdBy: 'cli',
          },
          now,
        );
      });
      process.stdout.write(`${made.campaign} for ${[made.group?.name, made.member?.name].filter(Boolean).join(' / ')}: /l/${made.code} ${made.code}\n`);
    });

  link
    .command('list')
    .description("the workspace's tracked links, newest first, with clicks and last-touch conversions")
    .option('--json', 'as JSON: {"links":[…]}')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const links = await withWorkspace(common(cmd), (db, workspaceId) => listLinks(db, workspaceId));
      if (opts.json) return printJsonLine({ links });
      for (const l of links) {
        const who = [l.group?.name, l.member?.name].filter(Boolean).join(' / ');
        process.stdout.write(`${l.code}\t${l.campaign}\t${l.channel}\t${l.clicks} clicks\t${l.conversions} conversions\t${who || '—'}\t${l.targetUrl}\n`);
      }
    });

  const conversion = program
    .command('conversion')
    .description('conversions that come back by signed webhook or CSV, attributed to first and last touch')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');

  conversion
    .command('report')
    .description('clicks, conversions, revenue (minor units per currency) and conversion rate, first and last touch side by side')
    .option('--by <dimension>', `one of ${REPORT_DIMENSIONS.join(', ')}`, 'campaign')
    .option('--json', 'as JSON: the report as GET /api/conversions/report answers it')
    .action(async (opts: { by: string; json?: boolean }, cmd: Command) => {
      if (!(REPORT_DIMENSIONS as readonly string[]).includes(opts.by)) throw new UsageError(`--by is one of ${REPORT_DIMENSIONS.join(', ')}, not ${JSON.stringify(opts.by)}`);
      const report = await withWorkspace(common(cmd), (db, workspaceId) => conversionReport(db, workspaceId, opts.by as ReportDimension));
      if (opts.json) return printJsonLine(report);
      process.stdout.write(`${opts.by}\tclicks\tfirst touch\tfirst-touch revenue\tlast touch\tlast-touch revenue\trate   (window ${report.windowDays} days; amounts in minor units)\n`);
      for (const r of report.rows) {
        process.stdout.write(
          `${r.label ?? '(none)'}\t${r.clicks}\t${r.firstTouch.conversions}\t${money(r.firstTouch.revenue)}\t${r.lastTouch.conversions}\t${money(r.lastTouch.revenue)}\t${rate(r)}\n`,
        );
      }
      process.stdout.write(`total\t${report.totals.clicks}\t${report.totals.conversions} conversions, ${report.totals.attributed} attributed\t${money(report.totals.revenue)}\n`);
    });

  conversion
    .command('import <file>')
    .description('import conversions from a CSV (header: id,amountMinor,currency and any of memberId, platform, externalId, code, at), all or nothing')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
      }
      const result = await withWorkspace(common(cmd), (db, workspaceId, now) => importConversions(db, workspaceId, text, now));
      process.stdout.write(`imported ${result.imported} conversions, ${result.attributed} attributed to a tracked link\n`);
    });

  conversion
    .command('secret')
    .description('the secret conversion webhooks are signed with')
    .command('rotate')
    .description('make or replace the secret (the old one stops verifying at once); prints it last, once')
    .action(async (_opts: unknown, cmd: Command) => {
      const out = await withWorkspace(common(cmd), (db, workspaceId, now, instanceSecret) => rotateHookSecret(db, new SecretBox(instanceSecret), workspaceId, 'cli', now));
      process.stdout.write(`new conversion webhook secret (sign X-Hearth-Signature with it, see docs/conversion.md): ${out}\n`);
    });

  conversion
    .command('window <days>')
    .description('how far back a click counts as a touch (1..365 days, default 30)')
    .action(async (days: string, _opts: unknown, cmd: Command) => {
      if (!/^\d+$/.test(days)) throw new UsageError(`the window is a whole number of days, not ${JSON.stringify(days)}`);
      const settings = await withWorkspace(common(cmd), (db, workspaceId, now) => setWindowDays(db, workspaceId, Number(days), 'cli', now));
      process.stdout.write(`attribution window: ${settings.windowDays} days\n`);
    });
}
