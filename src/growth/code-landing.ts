import type { Kysely } from 'kysely';
import { actionSchema } from '../core/action.js';
import type { Database } from '../store/schema.js';
import { codeStatus, findCode, groupQr, recordScan, type CodeStatus } from './code-store.js';
import { looksLikeCode, WECHAT_QR_LIFETIME_MS } from './growth-code.js';
import { usesGroupQr } from './live-code-route.js';

/** The rule name the outbox shows for the links codes ask for. */
export const GROWTH_RULE = 'growth-code';

/** Where a scan of `/j/:code` leads. */
export type Landing =
  | { kind: 'unknown' }
  | { kind: 'expired' | 'used_up'; name: string }
  /** Straight on to the platform's link (Telegram invite link, Discord invite). */
  | { kind: 'redirect'; url: string; group: string }
  /** A WeChat/WeCom group: its QR image, to scan in the app. */
  | { kind: 'qr'; group: string; mime: string; image: string; expiresAt: number }
  /** The group's QR is missing or out of date: the operator has been told; try again later. */
  | { kind: 'qr_unavailable'; group: string }
  /** The link is being made (through the outbox): the page looks again in a moment. */
  | { kind: 'pending'; group: string }
  /** The platform would not make a link (the bot lacks the right): nothing to join through now. */
  | { kind: 'link_failed'; group: string };

/**
 * Resolves one scan of a code: counts it, then finds where the visitor should go.
 * A link a platform must make is asked for once per code and group through the
 * outbox (like any action, within the platform's limits) and cached on the code
 * when it is made; until then the visitor sees a page that looks again.
 */
export async function resolveScan(db: Kysely<Database>, raw: string, now: number, onQueued: () => void = () => {}): Promise<Landing> {
  if (!looksLikeCode(raw)) return { kind: 'unknown' };
  const code = await findCode(db, raw);
  if (!code) return { kind: 'unknown' };
  await recordScan(db, code.id);
  const status = await codeStatus(db, code, now);
  if (status.closed) return { kind: status.closed, name: code.name };
  const group = status.current;
  if (usesGroupQr(group.platform)) {
    const qr = await groupQr(db, group.id);
    if (!qr || qr.uploadedAt + WECHAT_QR_LIFETIME_MS <= now) return { kind: 'qr_unavailable', group: group.name };
    return { kind: 'qr', group: group.name, mime: qr.mime, image: qr.image, expiresAt: qr.uploadedAt + WECHAT_QR_LIFETIME_MS };
  }
  return linkFor(db, status, now, onQueued);
}

async function linkFor(db: Kysely<Database>, status: CodeStatus, now: number, onQueued: () => void): Promise<Landing> {
  const group = status.current;
  const link = await db.selectFrom('growth_code_link').select(['url', 'outbox_id']).where('code_id', '=', status.id).where('group_id', '=', group.id).executeTakeFirst();
  if (link?.url) return { kind: 'redirect', url: link.url, group: group.name };
  if (link?.outbox_id !== null && link?.outbox_id !== undefined) {
    const row = await db.selectFrom('outbox').select(['status', 'result']).where('id', '=', link.outbox_id).executeTakeFirst();
    if (row?.status === 'done') {
      const url = inviteLinkOf(row.result);
      if (url) {
        await db.updateTable('growth_code_link').set({ url }).where('code_id', '=', status.id).where('group_id', '=', group.id).execute();
        return { kind: 'redirect', url, group: group.name };
      }
      return { kind: 'link_failed', group: group.name };
    }
    if (row?.status === 'parked' || row?.status === 'discarded' || !row) return { kind: 'link_failed', group: group.name };
    return { kind: 'pending', group: group.name };
  }
  await requestLink(db, status, now);
  onQueued();
  return { kind: 'pending', group: group.name };
}

/** Asks the group's platform for an invite link named after the code, once per code and group (two first scans at once ask once). */
async function requestLink(db: Kysely<Database>, status: CodeStatus, now: number): Promise<void> {
  const group = status.current;
  const memberLimit = status.kind === 'invite' ? status.remaining : status.capacity;
  const action = actionSchema.parse({ type: 'create_invite_link', groupId: group.id, name: status.code, ...(memberLimit !== null ? { memberLimit } : {}) });
  const key = `growth-link:${status.id}:${group.id}`;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('outbox')
      .values({
        workspace_id: (await trx.selectFrom('growth_code').select('workspace_id').where('id', '=', status.id).executeTakeFirstOrThrow()).workspace_id,
        group_id: group.id,
        platform: group.platform,
        idempotency_key: key,
        action: JSON.stringify({ ...action, rule: GROWTH_RULE }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
    const row = await trx.selectFrom('outbox').select('id').where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    await trx
      .insertInto('growth_code_link')
      .values({ code_id: status.id, group_id: group.id, url: null, outbox_id: Number(row.id), created_at: now })
      .onConflict((oc) => oc.columns(['code_id', 'group_id']).doNothing())
      .execute();
  });
}

function inviteLinkOf(result: string | null): string | null {
  if (!result) return null;
  try {
    const parsed = JSON.parse(result) as { inviteLink?: unknown };
    return typeof parsed.inviteLink === 'string' && /^https?:\/\//.test(parsed.inviteLink) ? parsed.inviteLink : null;
  } catch {
    return null;
  }
}
