import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { SecretBox } from '../../connections/secret-box.js';
import { looksLikeCode, newCode } from '../../growth/growth-code.js';
import { isUniqueViolation } from '../../ingest/ingestor.js';
import { CsvReader, CsvSyntaxError } from '../../importers/csv-stream.js';
import type { ConversionListItem, ConversionRecord, ConversionReport, ConversionSettingsRecord, LinkRecord, ReportDimension } from '../../shared/link-records.js';
import type { Database } from '../../store/schema.js';
import { attribute } from './attribution.js';
import { buildReport } from './link-report.js';
import { checkCampaign, checkChannel, checkConversion, checkTargetUrl, checkWindowDays, type ConversionInput, DAY_MS, DEFAULT_WINDOW_DAYS, InvalidLinkError, MAX_CONVERSION_ID } from './link-rules.js';

type Db = Kysely<Database> | Transaction<Database>;

export class LinkNotFoundError extends Error {
  override readonly name = 'LinkNotFoundError';
}

/** A conversion id the workspace has already recorded: a replay or a resend (the API answers 409). */
export class ConversionExistsError extends Error {
  override readonly name = 'ConversionExistsError';
  constructor(readonly externalId: string) {
    super(`conversion ${JSON.stringify(externalId)} is already recorded: a replay is refused`);
  }
}

/** A CSV row that cannot be imported; nothing of the file is stored. */
export class ConversionImportError extends Error {
  override readonly name = 'ConversionImportError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const iso = (t: number | null): string | null => (t === null ? null : new Date(Number(t)).toISOString());

export interface NewLink {
  workspaceId: number;
  campaign: string;
  channel: string;
  targetUrl: string;
  groupId?: number | null;
  memberId?: number | null;
  parentId?: number | null;
  createdBy?: string | null;
}

async function checkGroupAndMember(db: Db, workspaceId: number, groupId: number | null, memberId: number | null): Promise<void> {
  if (groupId !== null) {
    const g = await db.selectFrom('chat_group').select('id').where('id', '=', groupId).where('workspace_id', '=', workspaceId).executeTakeFirst();
    if (!g) throw new InvalidLinkError(`no group ${groupId} in this workspace`);
  }
  if (memberId !== null) {
    const m = await db.selectFrom('member').select('id').where('id', '=', memberId).where('workspace_id', '=', workspaceId).executeTakeFirst();
    if (!m) throw new InvalidLinkError(`no member ${memberId} in this workspace`);
  }
}

/** Creates a tracked link with a fresh code. Throws InvalidLinkError for a bad campaign, channel, target, group or member. */
export async function createLink(db: Kysely<Database>, input: NewLink, now: number): Promise<LinkRecord> {
  const campaign = checkCampaign(input.campaign);
  const channel = checkChannel(input.channel);
  const targetUrl = checkTargetUrl(input.targetUrl);
  const groupId = input.groupId ?? null;
  const memberId = input.memberId ?? null;
  await checkGroupAndMember(db, input.workspaceId, groupId, memberId);
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await db
        .insertInto('tracked_link')
        .values({
          workspace_id: input.workspaceId,
          code: newCode(),
          parent_id: input.parentId ?? null,
          campaign,
          channel,
          target_url: targetUrl,
          group_id: groupId,
          member_id: memberId,
          created_by: input.createdBy ?? null,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return getLink(db, input.workspaceId, row.id);
    } catch (error) {
      // A code already taken (31^8 codes: all but never): draw another.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

/**
 * The link's child for one group and/or member (same campaign, channel and target), so
 * each member or group shares a code of their own: made once, the same one after.
 */
export async function childLink(
  db: Kysely<Database>,
  input: { workspaceId: number; linkId: number; groupId: number | null; memberId: number | null; createdBy?: string | null },
  now: number,
): Promise<LinkRecord> {
  if (input.groupId === null && input.memberId === null) throw new InvalidLinkError('a child link names a group, a member or both');
  const parent = await db.selectFrom('tracked_link').selectAll().where('id', '=', input.linkId).where('workspace_id', '=', input.workspaceId).executeTakeFirst();
  if (!parent) throw new LinkNotFoundError(`no link ${input.linkId}`);
  const root = parent.parent_id ?? parent.id;
  let existing = db.selectFrom('tracked_link').select('id').where('parent_id', '=', root);
  existing = input.groupId === null ? existing.where('group_id', 'is', null) : existing.where('group_id', '=', input.groupId);
  existing = input.memberId === null ? existing.where('member_id', 'is', null) : existing.where('member_id', '=', input.memberId);
  const found = await existing.executeTakeFirst();
  if (found) return getLink(db, input.workspaceId, found.id);
  return createLink(
    db,
    {
      workspaceId: input.workspaceId,
      campaign: parent.campaign,
      channel: parent.channel,
      targetUrl: parent.target_url,
      groupId: input.groupId,
      memberId: input.memberId,
      parentId: root,
      createdBy: input.createdBy ?? null,
    },
    now,
  );
}

function linkQuery(db: Db, workspaceId: number) {
  return db
    .selectFrom('tracked_link as l')
    .leftJoin('chat_group as g', 'g.id', 'l.group_id')
    .leftJoin('member as m', 'm.id', 'l.member_id')
    .select([
      'l.id',
      'l.code',
      'l.parent_id',
      'l.campaign',
      'l.channel',
      'l.target_url',
      'l.group_id',
      'g.name as group_name',
      'l.member_id',
      'm.display_name as member_name',
      'l.clicks',
      'l.created_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('conversion as c')
        .whereRef('c.last_link_id', '=', 'l.id')
        .select((x) => x.fn.countAll<number | string>().as('n'))
        .as('conversions'),
    )
    .where('l.workspace_id', '=', workspaceId);
}

type LinkRow = Awaited<ReturnType<ReturnType<typeof linkQuery>['executeTakeFirstOrThrow']>>;

const linkRecord = (r: LinkRow): LinkRecord => ({
  id: r.id,
  code: r.code,
  parentId: r.parent_id,
  campaign: r.campaign,
  channel: r.channel,
  targetUrl: r.target_url,
  group: r.group_id !== null ? { id: r.group_id, name: r.group_name ?? `#${r.group_id}` } : null,
  member: r.member_id !== null ? { id: r.member_id, name: r.member_name ?? `#${r.member_id}` } : null,
  clicks: Number(r.clicks),
  conversions: Number(r.conversions ?? 0),
  createdAt: iso(r.created_at) as string,
});

export async function getLink(db: Db, workspaceId: number, id: number): Promise<LinkRecord> {
  const row = await linkQuery(db, workspaceId).where('l.id', '=', id).executeTakeFirst();
  if (!row) throw new LinkNotFoundError(`no link ${id}`);
  return linkRecord(row);
}

/** The workspace's links, newest first (at most 1000). */
export async function listLinks(db: Db, workspaceId: number, groupIds: number[] | null = null): Promise<LinkRecord[]> {
  let query = linkQuery(db, workspaceId);
  if (groupIds !== null) query = query.where('l.group_id', 'in', groupIds.length ? groupIds : [-1]);
  const rows = await query.orderBy('l.id', 'desc').limit(1000).execute();
  return rows.map(linkRecord);
}

/**
 * One visit of `/l/<code>`: the click counted (an atomic increment of the link's
 * count and a click row with the time, member and group, in one transaction) and the
 * link's own stored target returned, the only place the visitor is sent. Null for a
 * code that is not a tracked link: nothing is counted and nobody is redirected.
 */
export async function recordClick(db: Kysely<Database>, raw: string, now: number): Promise<{ url: string } | null> {
  if (!looksLikeCode(raw)) return null;
  const link = await db.selectFrom('tracked_link').select(['id', 'workspace_id', 'target_url', 'member_id', 'group_id']).where('code', '=', raw).executeTakeFirst();
  if (!link) return null;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('tracked_link')
      .set((eb) => ({ clicks: eb('clicks', '+', 1) }))
      .where('id', '=', link.id)
      .execute();
    await trx.insertInto('link_click').values({ workspace_id: link.workspace_id, link_id: link.id, member_id: link.member_id, group_id: link.group_id, clicked_at: now }).execute();
  });
  // Checked again on the way out: only ever an http(s) URL, whatever is in the row.
  return { url: checkTargetUrl(link.target_url) };
}

// ---- settings and the webhook secret ----

async function settingsRow(db: Db, workspaceId: number) {
  return db.selectFrom('conversion_setting').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
}

export async function getSettings(db: Db, workspaceId: number): Promise<ConversionSettingsRecord> {
  const row = await settingsRow(db, workspaceId);
  return { windowDays: row?.window_days ?? DEFAULT_WINDOW_DAYS, hasSecret: !!row?.hook_secret, updatedAt: iso(row?.updated_at ?? null), updatedBy: row?.updated_by ?? null };
}

async function upsertSettings(db: Db, workspaceId: number, change: { hook_secret?: string; window_days?: number }, by: string | null, now: number): Promise<void> {
  await db
    .insertInto('conversion_setting')
    .values({ workspace_id: workspaceId, hook_secret: change.hook_secret ?? null, ...(change.window_days !== undefined ? { window_days: change.window_days } : {}), updated_by: by, updated_at: now })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ ...change, updated_by: by, updated_at: now }))
    .execute();
}

/**
 * Makes the workspace's conversion webhook secret, or replaces it (the old one stops
 * verifying at once). Stored sealed with the instance secret, as outgoing webhooks'
 * secrets are; returned here once.
 */
export async function rotateHookSecret(db: Kysely<Database>, box: SecretBox, workspaceId: number, by: string | null, now: number): Promise<string> {
  const secret = `cvsec_${randomBytes(24).toString('base64url')}`;
  await upsertSettings(db, workspaceId, { hook_secret: box.seal(secret) }, by, now);
  return secret;
}

/** The secret incoming conversions are verified with, or null before one is made. */
export async function hookSecretOf(db: Db, box: SecretBox, workspaceId: number): Promise<string | null> {
  const row = await settingsRow(db, workspaceId);
  return row?.hook_secret ? box.open(row.hook_secret) : null;
}

export async function setWindowDays(db: Kysely<Database>, workspaceId: number, days: number, by: string | null, now: number): Promise<ConversionSettingsRecord> {
  await upsertSettings(db, workspaceId, { window_days: checkWindowDays(days) }, by, now);
  return getSettings(db, workspaceId);
}

// ---- conversions ----

/** How far ahead of the server's clock a conversion's time may be (clocks differ a little). */
const FUTURE_SLACK_MS = 5 * 60_000;

async function storeConversion(trx: Transaction<Database>, workspaceId: number, input: ConversionInput, source: 'webhook' | 'import' | 'demo', windowMs: number, now: number): Promise<number> {
  const c = checkConversion(input);
  const at = c.at ?? now;
  if (at > now + FUTURE_SLACK_MS) throw new InvalidLinkError(`"at" ${new Date(at).toISOString()} is in the future`);
  let memberId: number | null = null;
  if (c.member && 'memberId' in c.member) {
    const m = await trx.selectFrom('member').select('id').where('id', '=', c.member.memberId).where('workspace_id', '=', workspaceId).executeTakeFirst();
    if (!m) throw new InvalidLinkError(`no member ${c.member.memberId} in this workspace`);
    memberId = m.id;
  } else if (c.member) {
    // A buyer who is in none of the groups is recorded, unattributed to a member.
    const ident = await trx
      .selectFrom('identity')
      .select('member_id')
      .where('workspace_id', '=', workspaceId)
      .where('platform', '=', c.member.platform)
      .where('external_id', '=', c.member.externalId)
      .executeTakeFirst();
    memberId = ident?.member_id ?? null;
  }
  let codeLinkId: number | null = null;
  if (c.code !== null) {
    const link = looksLikeCode(c.code)
      ? await trx.selectFrom('tracked_link').select(['id', 'member_id']).where('code', '=', c.code).where('workspace_id', '=', workspaceId).executeTakeFirst()
      : undefined;
    if (!link) throw new InvalidLinkError(`no tracked link ${JSON.stringify(c.code)} in this workspace`);
    codeLinkId = link.id;
    memberId ??= link.member_id;
  }
  const clicks =
    memberId === null
      ? []
      : await trx
          .selectFrom('link_click')
          .select(['id', 'link_id', 'clicked_at'])
          .where('workspace_id', '=', workspaceId)
          .where('member_id', '=', memberId)
          .where('clicked_at', '>', at - windowMs)
          .where('clicked_at', '<=', at)
          .execute();
  const touches = attribute(
    clicks.map((k) => ({ id: k.id, linkId: k.link_id, at: Number(k.clicked_at) })),
    at,
    windowMs,
    codeLinkId,
  );
  try {
    const row = await trx
      .insertInto('conversion')
      .values({
        workspace_id: workspaceId,
        external_id: c.id,
        source,
        amount_minor: c.amountMinor,
        currency: c.currency,
        member_id: memberId,
        first_link_id: touches.first?.linkId ?? null,
        first_click_id: touches.first?.clickId ?? null,
        last_link_id: touches.last?.linkId ?? null,
        last_click_id: touches.last?.clickId ?? null,
        occurred_at: at,
        received_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConversionExistsError(c.id);
    throw error;
  }
}

async function windowMsOf(db: Db, workspaceId: number): Promise<number> {
  return (await getSettings(db, workspaceId)).windowDays * DAY_MS;
}

/**
 * Records one conversion, matched to its member (by id, by platform identity, or by the
 * member link its code names) and attributed to its first and last touch in the
 * workspace's window. Throws InvalidLinkError (bad field, unknown member id or code) or
 * ConversionExistsError (the id was seen: a replay); either way nothing is stored.
 */
export async function recordConversion(db: Kysely<Database>, workspaceId: number, input: ConversionInput, source: 'webhook' | 'import' | 'demo', now: number): Promise<ConversionRecord> {
  const windowMs = await windowMsOf(db, workspaceId);
  const id = await db.transaction().execute((trx) => storeConversion(trx, workspaceId, input, source, windowMs, now));
  return getConversion(db, workspaceId, id);
}

export async function getConversion(db: Db, workspaceId: number, id: number): Promise<ConversionRecord> {
  const row = await db
    .selectFrom('conversion as c')
    .leftJoin('tracked_link as f', 'f.id', 'c.first_link_id')
    .leftJoin('tracked_link as l', 'l.id', 'c.last_link_id')
    .select([
      'c.id',
      'c.external_id',
      'c.source',
      'c.amount_minor',
      'c.currency',
      'c.member_id',
      'c.first_link_id',
      'c.first_click_id',
      'f.code as first_code',
      'c.last_link_id',
      'c.last_click_id',
      'l.code as last_code',
      'c.occurred_at',
    ])
    .where('c.id', '=', id)
    .where('c.workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) throw new LinkNotFoundError(`no conversion ${id}`);
  return {
    id: row.id,
    externalId: row.external_id,
    source: row.source,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    memberId: row.member_id,
    firstTouch: row.first_link_id !== null ? { linkId: row.first_link_id, code: row.first_code ?? '', clickId: row.first_click_id } : null,
    lastTouch: row.last_link_id !== null ? { linkId: row.last_link_id, code: row.last_code ?? '', clickId: row.last_click_id } : null,
    at: iso(row.occurred_at) as string,
  };
}

/**
 * The workspace's latest conversions (at most `limit`), newest first, with their member
 * and the campaign of each touch. `groupIds` (a group-limited operator) keeps those a
 * link of their groups touched.
 */
export async function listConversions(db: Db, workspaceId: number, groupIds: number[] | null = null, limit = 50): Promise<ConversionListItem[]> {
  let query = db
    .selectFrom('conversion as c')
    .leftJoin('member as m', 'm.id', 'c.member_id')
    .leftJoin('tracked_link as f', 'f.id', 'c.first_link_id')
    .leftJoin('tracked_link as l', 'l.id', 'c.last_link_id')
    .select([
      'c.id',
      'c.external_id',
      'c.source',
      'c.amount_minor',
      'c.currency',
      'c.member_id',
      'm.display_name',
      'f.code as f_code',
      'f.campaign as f_campaign',
      'f.channel as f_channel',
      'l.code as l_code',
      'l.campaign as l_campaign',
      'l.channel as l_channel',
      'c.occurred_at',
    ])
    .where('c.workspace_id', '=', workspaceId);
  if (groupIds !== null) {
    const ids = groupIds.length ? groupIds : [-1];
    query = query.where((eb) => eb.or([eb('f.group_id', 'in', ids), eb('l.group_id', 'in', ids)]));
  }
  const rows = await query.orderBy('c.occurred_at', 'desc').orderBy('c.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    source: r.source,
    amountMinor: Number(r.amount_minor),
    currency: r.currency,
    member: r.member_id !== null ? { id: r.member_id, name: r.display_name ?? `#${r.member_id}` } : null,
    firstTouch: r.f_code ? { code: r.f_code, campaign: r.f_campaign ?? '', channel: r.f_channel ?? '' } : null,
    lastTouch: r.l_code ? { code: r.l_code, campaign: r.l_campaign ?? '', channel: r.l_channel ?? '' } : null,
    at: iso(r.occurred_at) as string,
  }));
}

/** The columns a conversions CSV has (a header line names them, in any order). */
export const CSV_COLUMNS = ['id', 'amountMinor', 'currency', 'memberId', 'platform', 'externalId', 'code', 'at'] as const;

/** One CSV row as a conversion; throws a message naming the field. */
function rowToInput(fields: Record<string, string>): ConversionInput {
  const get = (k: string) => (fields[k] ?? '').trim();
  if (!/^\d+$/.test(get('amountMinor'))) throw new InvalidLinkError(`amountMinor is a whole number of minor units, not ${JSON.stringify(get('amountMinor'))}`);
  const memberId = get('memberId');
  const platform = get('platform');
  const externalId = get('externalId');
  if (memberId && !/^\d+$/.test(memberId)) throw new InvalidLinkError(`memberId is a number, not ${JSON.stringify(memberId)}`);
  if ((platform === '') !== (externalId === '')) throw new InvalidLinkError('platform and externalId go together');
  const at = get('at');
  let atMs: number | null = null;
  if (at) {
    atMs = Date.parse(at);
    if (!/^\d{4}-\d{2}-\d{2}/.test(at) || Number.isNaN(atMs)) throw new InvalidLinkError(`at is an ISO 8601 time, not ${JSON.stringify(at)}`);
  }
  return {
    id: get('id'),
    amountMinor: Number(get('amountMinor')),
    currency: get('currency'),
    member: memberId ? { memberId: Number(memberId) } : platform ? { platform, externalId } : null,
    code: get('code') || null,
    at: atMs,
  };
}

/**
 * Imports a conversions CSV (header: id, amountMinor, currency and any of memberId,
 * platform + externalId, code, at), all or nothing: every row in one transaction, and
 * the first bad row (a field, an unknown member or code, an id seen before or twice in
 * the file) refuses the file with its line number.
 */
export async function importConversions(db: Kysely<Database>, workspaceId: number, text: string, now: number): Promise<{ imported: number; attributed: number }> {
  const records: { fields: string[]; line: number }[] = [];
  try {
    const reader = new CsvReader(text.includes(';') && !text.split('\n', 1)[0]?.includes(',') ? ';' : ',', (fields, line) => records.push({ fields, line }));
    reader.write(text.replace(/^\uFEFF/, ''));
    reader.end();
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new ConversionImportError(error.line, error.reason);
    throw error;
  }
  const rows = records.filter((r) => !(r.fields.length === 1 && r.fields[0]?.trim() === ''));
  const header = rows.shift();
  if (!header) throw new ConversionImportError(1, 'the file is empty: the first line names the columns (id,amountMinor,currency,…)');
  const names = header.fields.map((f) => f.trim());
  for (const n of names)
    if (!(CSV_COLUMNS as readonly string[]).includes(n)) throw new ConversionImportError(header.line, `unknown column ${JSON.stringify(n)}: the columns are ${CSV_COLUMNS.join(', ')}`);
  for (const n of ['id', 'amountMinor', 'currency']) if (!names.includes(n)) throw new ConversionImportError(header.line, `the column ${n} is missing`);
  if (rows.length === 0) throw new ConversionImportError(header.line, 'no conversions after the header');
  const windowMs = await windowMsOf(db, workspaceId);
  return db.transaction().execute(async (trx) => {
    let attributed = 0;
    for (const r of rows) {
      if (r.fields.length !== names.length) throw new ConversionImportError(r.line, `${r.fields.length} fields where the header has ${names.length}`);
      try {
        const fields = Object.fromEntries(names.map((n, i) => [n, r.fields[i] ?? '']));
        if ((fields.id ?? '').trim().length > MAX_CONVERSION_ID) throw new InvalidLinkError(`a conversion id is 1..${MAX_CONVERSION_ID} characters`);
        const id = await storeConversion(trx, workspaceId, rowToInput(fields), 'import', windowMs, now);
        const stored = await trx.selectFrom('conversion').select('last_link_id').where('id', '=', id).executeTakeFirstOrThrow();
        if (stored.last_link_id !== null) attributed++;
      } catch (error) {
        if (error instanceof InvalidLinkError || error instanceof ConversionExistsError) throw new ConversionImportError(r.line, error.message);
        throw error;
      }
    }
    return { imported: rows.length, attributed };
  });
}

/**
 * The report over the workspace's links and conversions, by one dimension. `groupIds`
 * (a group-limited operator) keeps the links of those groups and the conversions they touched.
 */
export async function conversionReport(db: Db, workspaceId: number, by: ReportDimension, groupIds: number[] | null = null): Promise<ConversionReport> {
  let linkRows = linkQuery(db, workspaceId);
  if (groupIds !== null) linkRows = linkRows.where('l.group_id', 'in', groupIds.length ? groupIds : [-1]);
  const links = await linkRows.execute();
  const allowed = new Set(links.map((l) => l.id));
  const all = await db
    .selectFrom('conversion as c')
    .leftJoin('member as m', 'm.id', 'c.member_id')
    .select(['c.amount_minor', 'c.currency', 'c.member_id', 'm.display_name', 'c.first_link_id', 'c.last_link_id'])
    .where('c.workspace_id', '=', workspaceId)
    .execute();
  const conversions = groupIds === null ? all : all.filter((c) => (c.first_link_id !== null && allowed.has(c.first_link_id)) || (c.last_link_id !== null && allowed.has(c.last_link_id)));
  const settings = await getSettings(db, workspaceId);
  return buildReport(
    by,
    links.map((l) => {
      const r = linkRecord(l);
      return { id: r.id, campaign: r.campaign, channel: r.channel, group: r.group, member: r.member, clicks: r.clicks };
    }),
    conversions.map((c) => ({
      amountMinor: Number(c.amount_minor),
      currency: c.currency,
      member: c.member_id !== null ? { id: c.member_id, name: c.display_name ?? `#${c.member_id}` } : null,
      firstLinkId: c.first_link_id,
      lastLinkId: c.last_link_id,
    })),
    settings.windowDays,
  );
}
