import type { Kysely, Selectable } from 'kysely';
import { PREVIEW_VALUES, type PosterDesign, type PosterTemplateRecord, type PosterTemplateSummary } from '../../shared/poster-records.js';
import type { Database, PosterTemplateTable } from '../../store/schema.js';
import { CampaignNotFoundError, getCampaign, personalCode } from '../campaigns/campaign-store.js';
import { parsePosterDesign, InvalidPosterTemplateError } from './poster-template.js';
import type { PosterContent } from './poster-render.js';

export class PosterTemplateNotFoundError extends Error {
  override readonly name = 'PosterTemplateNotFoundError';
  constructor(readonly what: string) {
    super(`no ${what}`);
  }
}

type Row = Selectable<PosterTemplateTable>;

function checkName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > 100) throw new InvalidPosterTemplateError('name: must be 1 to 100 characters');
  return trimmed;
}

async function campaignsUsing(db: Kysely<Database>, workspaceId: number, ids: readonly number[]): Promise<Map<number, { id: number; name: string }[]>> {
  const by = new Map<number, { id: number; name: string }[]>();
  if (ids.length === 0) return by;
  const rows = await db
    .selectFrom('campaign')
    .select(['id', 'name', 'poster_template_id'])
    .where('workspace_id', '=', workspaceId)
    .where('poster_template_id', 'in', [...ids])
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const key = Number(r.poster_template_id);
    by.set(key, [...(by.get(key) ?? []), { id: Number(r.id), name: r.name }]);
  }
  return by;
}

const base = (row: Pick<Row, 'id' | 'name' | 'created_by' | 'created_at' | 'updated_at'>) => ({
  id: Number(row.id),
  name: row.name,
  createdBy: row.created_by,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/** A workspace's templates, newest first, without their background images. */
export async function listPosterTemplates(db: Kysely<Database>, workspaceId: number): Promise<PosterTemplateSummary[]> {
  const rows = await db
    .selectFrom('poster_template')
    .select(['id', 'name', 'design', 'created_by', 'created_at', 'updated_at', (eb) => eb('background_image', 'is not', null).as('has_image')])
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  const campaigns = await campaignsUsing(
    db,
    workspaceId,
    rows.map((r) => Number(r.id)),
  );
  return rows.map((r) => ({
    ...base(r),
    design: JSON.parse(r.design) as Omit<PosterDesign, 'backgroundImage'>,
    hasImage: Boolean(r.has_image),
    campaigns: campaigns.get(Number(r.id)) ?? [],
  }));
}

/** One template of the workspace with its design in full; PosterTemplateNotFoundError otherwise. */
export async function getPosterTemplate(db: Kysely<Database>, workspaceId: number, id: number): Promise<PosterTemplateRecord> {
  const row = await db.selectFrom('poster_template').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) throw new PosterTemplateNotFoundError(`poster template ${id}`);
  const campaigns = await campaignsUsing(db, workspaceId, [id]);
  return { ...base(row), design: { ...(JSON.parse(row.design) as Omit<PosterDesign, 'backgroundImage'>), backgroundImage: row.background_image }, campaigns: campaigns.get(id) ?? [] };
}

function columns(design: PosterDesign): { design: string; background_image: string | null } {
  const { backgroundImage, ...rest } = design;
  return { design: JSON.stringify(rest), background_image: backgroundImage };
}

/** Stores a new template after checking its name and design (InvalidPosterTemplateError naming what is wrong; nothing stored). */
export async function createPosterTemplate(db: Kysely<Database>, input: { workspaceId: number; name: string; design: unknown; createdBy: string | null }, now: number): Promise<PosterTemplateRecord> {
  const name = checkName(input.name);
  const design = parsePosterDesign(input.design);
  const row = await db
    .insertInto('poster_template')
    .values({ workspace_id: input.workspaceId, name, ...columns(design), created_by: input.createdBy, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return getPosterTemplate(db, input.workspaceId, Number(row.id));
}

/** Replaces a template's name and design, checked as on creation. */
export async function updatePosterTemplate(db: Kysely<Database>, workspaceId: number, id: number, input: { name: string; design: unknown }, now: number): Promise<PosterTemplateRecord> {
  const name = checkName(input.name);
  const design = parsePosterDesign(input.design);
  const result = await db
    .updateTable('poster_template')
    .set({ name, ...columns(design), updated_at: now })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new PosterTemplateNotFoundError(`poster template ${id}`);
  return getPosterTemplate(db, workspaceId, id);
}

/** Deletes a template no campaign uses; one in use is refused naming its campaigns. */
export async function deletePosterTemplate(db: Kysely<Database>, workspaceId: number, id: number): Promise<void> {
  const template = await getPosterTemplate(db, workspaceId, id);
  if (template.campaigns.length > 0) {
    throw new InvalidPosterTemplateError(`poster template ${id} is the poster of ${template.campaigns.map((c) => `campaign ${c.id} (${c.name})`).join(', ')}: give them another template first`);
  }
  await db.deleteFrom('poster_template').where('id', '=', id).where('workspace_id', '=', workspaceId).execute();
}

/**
 * What a member's poster shows: their name, the campaign's name, the group their
 * personal code leads to, and that code's link (`<baseUrl>/j/<code>`). The campaign is
 * the one given, else the newest campaign drawing its posters with this template. The
 * member's personal code is the campaign's (issued through the code store when they
 * have none yet, `created` then true).
 */
export async function memberPosterContent(
  db: Kysely<Database>,
  input: { workspaceId: number; templateId: number; memberId: number; campaignId?: number | null; baseUrl: string },
  now: number,
): Promise<PosterContent & { code: string; campaignId: number; created: boolean }> {
  let campaignId = input.campaignId ?? null;
  if (campaignId === null) {
    const using = (await campaignsUsing(db, input.workspaceId, [input.templateId])).get(input.templateId) ?? [];
    if (using.length === 0) throw new InvalidPosterTemplateError(`poster template ${input.templateId} is the poster of no campaign: name the campaign the member's code is for`);
    campaignId = using[using.length - 1]!.id;
  }
  const campaign = await getCampaign(db, input.workspaceId, campaignId).catch((error: unknown) => {
    if (error instanceof CampaignNotFoundError) throw new PosterTemplateNotFoundError(`campaign ${campaignId}`);
    throw error;
  });
  const member = await db.selectFrom('member').select(['display_name']).where('id', '=', input.memberId).where('workspace_id', '=', input.workspaceId).executeTakeFirst();
  if (!member) throw new PosterTemplateNotFoundError(`member ${input.memberId}`);
  const personal = await personalCode(db, campaign, input.memberId, now);
  const group = await db.selectFrom('chat_group').select('name').where('id', '=', personal.groupId).executeTakeFirst();
  return {
    member: member.display_name,
    campaign: campaign.name,
    group: group?.name ?? '',
    link: `${input.baseUrl.replace(/\/+$/, '')}/j/${personal.code}`,
    code: personal.code,
    campaignId: campaign.id,
    created: personal.created,
  };
}

/** The preview's content: the operator's sample values, else the stand-ins, and an example link. */
export function previewContent(baseUrl: string, values: Partial<Record<'member' | 'campaign' | 'group', string>> = {}): PosterContent {
  return {
    member: values.member ?? PREVIEW_VALUES.member,
    campaign: values.campaign ?? PREVIEW_VALUES.campaign,
    group: values.group ?? PREVIEW_VALUES.group,
    link: `${baseUrl.replace(/\/+$/, '')}/j/EXAMPLE2`,
  };
}
