import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { renderPoster } from '../../growth/posters/poster-render.js';
import { getPosterTemplate, listPosterTemplates, memberPosterContent } from '../../growth/posters/poster-store.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import type { Database } from '../../store/schema.js';
import { printJsonLine, UsageError, withRuntime } from '../cli-context.js';

/** A template of the workspace by id or exact name; an unknown or ambiguous name is a usage error. */
async function findTemplate(db: Kysely<Database>, workspaceId: number, ref: string): Promise<number> {
  const rows = await db.selectFrom('poster_template').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute();
  const byId = /^\d+$/.test(ref) ? rows.find((r) => Number(r.id) === Number(ref)) : undefined;
  if (byId) return Number(byId.id);
  const named = rows.filter((r) => r.name === ref);
  if (named.length === 0) throw new UsageError(`no poster template ${JSON.stringify(ref)} in this workspace (hearth poster templates lists them)`);
  if (named.length > 1) throw new UsageError(`${named.length} poster templates are named ${JSON.stringify(ref)}: give the id (${named.map((r) => r.id).join(', ')})`);
  return Number(named[0]!.id);
}

function wholeNumber(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new UsageError(`${what} is a member's id (a whole number), not ${JSON.stringify(value)}`);
  return Number(value);
}

/** `hearth poster`: the fission campaigns' poster templates, and a member's poster as a PNG file. */
export function registerPosterCommand(program: Command): void {
  const poster = program
    .command('poster')
    .description("fission posters: the workspace's templates, and a member's 1080×1920 PNG poster")
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');

  poster
    .command('templates')
    .description('list the poster templates with the campaigns that use each')
    .option('--json', 'one JSON object per template')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
      await withRuntime(async (runtime) => {
        const ws = await resolveWorkspace(runtime.store.db, workspace);
        const templates = await listPosterTemplates(runtime.store.db, ws.id);
        if (opts.json) {
          for (const t of templates) printJsonLine(t);
          return;
        }
        if (templates.length === 0) {
          process.stdout.write('no poster templates yet (create one on the dashboard’s Posters page)\n');
          return;
        }
        for (const t of templates) {
          const used = t.campaigns.length > 0 ? t.campaigns.map((c) => `${c.name} (#${c.id})`).join(', ') : 'no campaign';
          process.stdout.write(`${t.id}\t${t.name}\t${used}\n`);
        }
      });
    });

  poster
    .command('render <template>')
    .description("draw a member's poster for a campaign: the template (id or name) with their name and the QR code of their personal link, issuing their code when they have none")
    .requiredOption('--member <id>', "the member's id")
    .requiredOption('--out <file.png>', 'where to write the PNG')
    .option('--campaign <id>', 'the campaign the code is for (default: the newest campaign using the template)')
    .option('--base-url <url>', 'where members reach Hearth (default: HEARTH_PUBLIC_URL)')
    .option('--json', 'print what was drawn as JSON')
    .action(async (ref: string, opts: { member: string; out: string; campaign?: string; baseUrl?: string; json?: boolean }, cmd: Command) => {
      const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
      const memberId = wholeNumber(opts.member, '--member');
      const campaignId = opts.campaign === undefined ? null : wholeNumber(opts.campaign, '--campaign');
      await withRuntime(async (runtime, config) => {
        const baseUrl = opts.baseUrl ?? config.publicUrl;
        if (!baseUrl) throw new UsageError('the QR code needs the address members reach Hearth at: set HEARTH_PUBLIC_URL or pass --base-url https://…');
        if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) address, not ${JSON.stringify(baseUrl)}`);
        const { db } = runtime.store;
        const ws = await resolveWorkspace(db, workspace);
        const templateId = await findTemplate(db, ws.id, ref);
        const template = await getPosterTemplate(db, ws.id, templateId);
        const content = await memberPosterContent(db, { workspaceId: ws.id, templateId, memberId, campaignId, baseUrl }, Date.now());
        const rendered = await renderPoster(template.design, content);
        await writeFile(opts.out, rendered.png);
        const summary = {
          file: opts.out,
          template: templateId,
          member: memberId,
          campaign: content.campaignId,
          code: content.code,
          link: content.link,
          codeIssued: content.created,
          truncated: rendered.layout.truncated,
        };
        if (opts.json) printJsonLine(summary);
        else {
          process.stdout.write(`wrote ${opts.out} (1080×1920) for ${content.member}: ${content.link}${content.created ? ' (code issued now)' : ''}\n`);
          if (rendered.layout.truncated) process.stdout.write('note: the copy did not fit above the QR code and was cut\n');
        }
      });
    });
}
