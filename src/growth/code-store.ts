import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, GrowthCodeTable } from '../store/schema.js';
import { CHANNELS, DEFAULT_LIVE_CAPACITY, newCode, type CodeKind } from './growth-code.js';
import type { CodeGroupStatus, CodeStatus, LiveCodeWarning } from '../shared/growth-records.js';
import { routeLiveCode, type SeriesGroup } from './live-code-route.js';

export type CodeRow = Selectable<GrowthCodeTable>;

/** A code cannot be made as asked (names what is wrong); nothing was stored. */
export class InvalidGrowthCodeError extends Error {
  override readonly name = 'InvalidGrowthCodeError';
}

export class GrowthCodeNotFoundError extends Error {
  override readonly name = 'GrowthCodeNotFoundError';
  constructor(readonly code: string) {
    super(`no code ${JSON.stringify(code)}`);
  }
}

export interface CodeOptions {
  campaign?: string | null;
  channel?: string | null;
  inviterMemberId?: number | null;
  expiresAt?: number | null;
}

export type { CodeGroupStatus, CodeStatus };

const MAX_TEXT = 100;

function checkText(value: string | null | undefined, what: string): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_TEXT) throw new InvalidGrowthCodeError(`${what} must be 1 to ${MAX_TEXT} characters`);
  return trimmed;
}

function checkOptions(options: CodeOptions): { campaign: string | null; channel: string | null } {
  const channel = checkText(options.channel, 'channel');
  if (channel !== null && !(CHANNELS as readonly string[]).includes(channel)) throw new InvalidGrowthCodeError(`unknown channel ${JSON.stringify(channel)}; channels: ${CHANNELS.join(', ')}`);
  return { campaign: checkText(options.campaign, 'campaign'), channel };
}

/** The workspace's groups with these ids, in the order given; throws naming any that is not one of them. */
async function groupsOf(db: Kysely<Database>, workspaceId: number, groupIds: readonly number[]): Promise<{ id: number; name: string; platform: string }[]> {
  if (groupIds.length === 0) throw new InvalidGrowthCodeError('a code needs at least one group');
  if (new Set(groupIds).size !== groupIds.length) throw new InvalidGrowthCodeError('a group appears twice in the series');
  const rows = await db
    .selectFrom('chat_group')
    .select(['id', 'name', 'platform'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...groupIds])
    .execute();
  const byId = new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), name: r.name, platform: r.platform }]));
  const missing = groupIds.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new InvalidGrowthCodeError(`no group ${missing.join(', ')} in this workspace`);
  return groupIds.map((id) => byId.get(id)!);
}

async function insertCode(db: Kysely<Database>, row: Omit<GrowthCodeTable, 'id' | 'scans' | 'code'>, groupIds: readonly number[]): Promise<CodeRow> {
  return db.transaction().execute(async (trx) => {
    // A clash of two random 8-character codes is rare; try a few.
    for (let attempt = 0; ; attempt++) {
      const code = newCode();
      const taken = await trx.selectFrom('growth_code').select('id').where('code', '=', code).executeTakeFirst();
      if (taken && attempt < 5) continue;
      const inserted = await trx
        .insertInto('growth_code')
        .values({ ...row, code })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(inserted.id);
      await trx
        .insertInto('growth_code_group')
        .values(groupIds.map((groupId, position) => ({ code_id: id, group_id: groupId, position })))
        .execute();
      return (await trx.selectFrom('growth_code').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as CodeRow;
    }
  });
}

/** An invitation code for one group, optionally limited to `quantity` joins. */
export async function createInviteCode(db: Kysely<Database>, input: { workspaceId: number; name: string; groupId: number; quantity?: number | null } & CodeOptions, now: number): Promise<CodeRow> {
  const name = checkText(input.name, 'name');
  if (name === null) throw new InvalidGrowthCodeError('a code needs a name');
  const quantity = input.quantity ?? null;
  if (quantity !== null && (!Number.isInteger(quantity) || quantity < 1 || quantity > 1_000_000)) throw new InvalidGrowthCodeError('quantity must be a whole number from 1 to 1000000');
  if (input.expiresAt !== undefined && input.expiresAt !== null && input.expiresAt <= now) throw new InvalidGrowthCodeError('the expiry must be in the future');
  const { campaign, channel } = checkOptions(input);
  await groupsOf(db, input.workspaceId, [input.groupId]);
  if (input.inviterMemberId !== undefined && input.inviterMemberId !== null) {
    const inviter = await db.selectFrom('member').select('id').where('id', '=', input.inviterMemberId).where('workspace_id', '=', input.workspaceId).executeTakeFirst();
    if (!inviter) throw new InvalidGrowthCodeError(`no member ${input.inviterMemberId} in this workspace`);
  }
  return insertCode(
    db,
    {
      workspace_id: input.workspaceId,
      kind: 'invite',
      name,
      campaign,
      channel,
      inviter_member_id: input.inviterMemberId ?? null,
      quantity,
      capacity: null,
      expires_at: input.expiresAt ?? null,
      created_at: now,
    },
    [input.groupId],
  );
}

/** A live code over a series of groups, rolling over at `capacity` members (default 200). */
export async function createLiveCode(
  db: Kysely<Database>,
  input: { workspaceId: number; name: string; groupIds: readonly number[]; capacity?: number | null } & Omit<CodeOptions, 'inviterMemberId'>,
  now: number,
): Promise<CodeRow> {
  const name = checkText(input.name, 'name');
  if (name === null) throw new InvalidGrowthCodeError('a live code needs a name');
  const capacity = input.capacity ?? DEFAULT_LIVE_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 100_000) throw new InvalidGrowthCodeError('capacity must be a whole number from 1 to 100000');
  const { campaign, channel } = checkOptions(input);
  await groupsOf(db, input.workspaceId, input.groupIds);
  return insertCode(
    db,
    { workspace_id: input.workspaceId, kind: 'live', name, campaign, channel, inviter_member_id: null, quantity: null, capacity, expires_at: input.expiresAt ?? null, created_at: now },
    input.groupIds,
  );
}

/** Adds a group at the end of a live code's series (the next group the operator created). */
export async function addSeriesGroup(db: Kysely<Database>, code: CodeRow, groupId: number): Promise<void> {
  if (code.kind !== 'live') throw new InvalidGrowthCodeError(`${code.code} is an invitation code; only live codes have a series`);
  await groupsOf(db, code.workspace_id, [groupId]);
  const existing = await db.selectFrom('growth_code_group').select(['group_id', 'position']).where('code_id', '=', code.id).execute();
  if (existing.some((g) => Number(g.group_id) === groupId)) throw new InvalidGrowthCodeError(`group ${groupId} is already in the series`);
  const position = Math.max(-1, ...existing.map((g) => Number(g.position))) + 1;
  await db.insertInto('growth_code_group').values({ code_id: code.id, group_id: groupId, position }).execute();
}

export async function findCode(db: Kysely<Database>, code: string): Promise<CodeRow | undefined> {
  const row = await db.selectFrom('growth_code').selectAll().where('code', '=', code).executeTakeFirst();
  return row ? normalize(row as CodeRow) : undefined;
}

export async function getCode(db: Kysely<Database>, workspaceId: number, code: string): Promise<CodeRow> {
  const row = await findCode(db, code);
  if (!row || row.workspace_id !== workspaceId) throw new GrowthCodeNotFoundError(code);
  return row;
}

/** Counts one scan: a single atomic increment, so a burst of scans is counted in full. */
export async function recordScan(db: Kysely<Database>, codeId: number): Promise<void> {
  await db.updateTable('growth_code').set({ scans: sql`scans + 1` }).where('id', '=', codeId).execute();
}

function normalize(row: CodeRow): CodeRow {
  return {
    ...row,
    id: Number(row.id),
    workspace_id: Number(row.workspace_id),
    scans: Number(row.scans),
    created_at: Number(row.created_at),
    expires_at: row.expires_at === null ? null : Number(row.expires_at),
    inviter_member_id: row.inviter_member_id === null ? null : Number(row.inviter_member_id),
  };
}

/** The status of several codes at once (a handful of queries for the lot). */
export async function codeStatuses(db: Kysely<Database>, codes: readonly CodeRow[], now: number): Promise<CodeStatus[]> {
  if (codes.length === 0) return [];
  const ids = codes.map((c) => c.id);
  const series = await db
    .selectFrom('growth_code_group as s')
    .innerJoin('chat_group as g', 'g.id', 's.group_id')
    .leftJoin('growth_group_qr as q', 'q.group_id', 's.group_id')
    .select(['s.code_id', 's.group_id', 's.position', 'g.name', 'g.platform', 'q.uploaded_at'])
    .where('s.code_id', 'in', ids)
    .orderBy('s.code_id')
    .orderBy('s.position')
    .execute();
  const groupIds = [...new Set(series.map((s) => Number(s.group_id)))];
  const members = new Map<number, number>();
  if (groupIds.length > 0) {
    const rows = await db
      .selectFrom('membership as ms')
      .innerJoin('member as m', 'm.id', 'ms.member_id')
      .select(['ms.group_id', (eb) => eb.fn.count<number>('ms.id').as('n')])
      .where('ms.group_id', 'in', groupIds)
      .where('ms.left_at', 'is', null)
      .where('m.is_bot', '=', 0)
      .groupBy('ms.group_id')
      .execute();
    for (const r of rows) members.set(Number(r.group_id), Number(r.n));
  }
  const joinRows = await db
    .selectFrom('membership')
    .select(['code', 'group_id', sql<number>`count(distinct member_id)`.as('n')])
    .where(
      'code',
      'in',
      codes.map((c) => c.code),
    )
    .where('group_id', 'in', groupIds.length > 0 ? groupIds : [0])
    .groupBy(['code', 'group_id'])
    .execute();
  const joins = new Map(joinRows.map((r) => [`${r.code}:${Number(r.group_id)}`, Number(r.n)]));

  return codes.map((code) => {
    const groups: CodeGroupStatus[] = series
      .filter((s) => Number(s.code_id) === code.id)
      .map((s) => ({
        id: Number(s.group_id),
        name: s.name,
        platform: s.platform,
        members: members.get(Number(s.group_id)) ?? 0,
        capacity: code.capacity,
        joins: joins.get(`${code.code}:${Number(s.group_id)}`) ?? 0,
        qrUploadedAt: s.uploaded_at === null ? null : Number(s.uploaded_at),
      }));
    const total = groups.reduce((sum, g) => sum + g.joins, 0);
    const remaining = code.quantity === null ? null : Math.max(0, code.quantity - total);
    const closed = code.expires_at !== null && code.expires_at <= now ? 'expired' : remaining === 0 ? 'used_up' : null;
    let current: CodeGroupStatus = groups[0]!;
    let warnings: LiveCodeWarning[] = [];
    if (code.kind === 'live') {
      const route = routeLiveCode(groups as SeriesGroup[], code.capacity ?? DEFAULT_LIVE_CAPACITY, now);
      current = route.current as CodeGroupStatus;
      warnings = route.warnings;
    }
    return {
      id: code.id,
      code: code.code,
      kind: code.kind,
      name: code.name,
      campaign: code.campaign,
      channel: code.channel,
      inviterMemberId: code.inviter_member_id,
      scans: code.scans,
      joins: total,
      quantity: code.quantity,
      remaining,
      capacity: code.capacity,
      expiresAt: code.expires_at,
      createdAt: code.created_at,
      closed,
      current: { id: current.id, name: current.name, platform: current.platform },
      groups,
      warnings,
    };
  });
}

export async function codeStatus(db: Kysely<Database>, code: CodeRow, now: number): Promise<CodeStatus> {
  return (await codeStatuses(db, [code], now))[0]!;
}

/** A workspace's codes, newest first, optionally only those leading to some groups. */
export async function listCodes(db: Kysely<Database>, workspaceId: number, now: number, options: { kind?: CodeKind } = {}): Promise<CodeStatus[]> {
  let query = db.selectFrom('growth_code').selectAll().where('workspace_id', '=', workspaceId);
  if (options.kind) query = query.where('kind', '=', options.kind);
  const rows = (await query.orderBy('id', 'desc').limit(500).execute()).map((r) => normalize(r as CodeRow));
  return codeStatuses(db, rows, now);
}

/** Stores the operator's upload of a WeChat/WeCom group's QR image; its 7 days start now. */
export async function uploadGroupQr(db: Kysely<Database>, input: { workspaceId: number; groupId: number; mime: string; base64: string }, now: number): Promise<void> {
  if (!/^image\/(png|jpeg|webp|gif)$/.test(input.mime)) throw new InvalidGrowthCodeError('the QR image must be a PNG, JPEG, WebP or GIF');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(input.base64)) throw new InvalidGrowthCodeError('the QR image is not base64');
  if (input.base64.length > 2_800_000) throw new InvalidGrowthCodeError('the QR image is larger than 2 MB');
  const [group] = await groupsOf(db, input.workspaceId, [input.groupId]);
  if (group!.platform !== 'wechat' && group!.platform !== 'wecom')
    throw new InvalidGrowthCodeError(`group ${input.groupId} is on ${group!.platform}: QR images are for WeChat and WeCom groups, others get links`);
  const row = { group_id: input.groupId, workspace_id: input.workspaceId, mime: input.mime, image: input.base64, uploaded_at: now };
  await db
    .insertInto('growth_group_qr')
    .values(row)
    .onConflict((oc) => oc.column('group_id').doUpdateSet({ mime: row.mime, image: row.image, uploaded_at: row.uploaded_at }))
    .execute();
}

export async function groupQr(db: Kysely<Database>, groupId: number): Promise<{ mime: string; image: string; uploadedAt: number } | undefined> {
  const row = await db.selectFrom('growth_group_qr').select(['mime', 'image', 'uploaded_at']).where('group_id', '=', groupId).executeTakeFirst();
  return row ? { mime: row.mime, image: row.image, uploadedAt: Number(row.uploaded_at) } : undefined;
}
