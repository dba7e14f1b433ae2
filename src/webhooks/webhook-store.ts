import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { SecretBox } from '../connections/secret-box.js';
import type { Database, WebhookDeliveryTable, WebhookTable } from '../store/schema.js';
import { forgetWebhooks } from './webhook-fanout.js';
import { checkTarget, type PrivateTargets, type Resolve } from './webhook-target.js';

export type WebhookRow = Selectable<WebhookTable>;
export type DeliveryRow = Selectable<WebhookDeliveryTable>;

/** A webhook as operators see it; never its secret. */
export interface WebhookInfo {
  id: number;
  workspaceId: number;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failuresInARow: number;
  createdBy: string | null;
  createdAt: number;
}

export interface DeliveryInfo {
  id: number;
  kind: string;
  source: string;
  status: DeliveryRow['status'];
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
  createdAt: number;
}

export class WebhookNotFound extends Error {
  override readonly name = 'WebhookNotFound';
}

const info = (r: WebhookRow): WebhookInfo => ({
  id: r.id,
  workspaceId: r.workspace_id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  description: r.description,
  enabled: r.enabled === 1,
  disabledReason: r.disabled_reason,
  failuresInARow: r.failures_in_a_row,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const deliveryInfo = (r: DeliveryRow): DeliveryInfo => ({
  id: r.id,
  kind: r.kind,
  source: r.source_key,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
  lastStatus: r.last_status,
  lastError: r.last_error,
  lastAttemptAt: r.last_attempt_at,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});

export interface WebhookStoreOptions {
  /** Which non-public addresses a URL may point at (see webhook-target.ts). */
  privateTargets: PrivateTargets;
  resolve?: Resolve;
}

/**
 * Webhooks and their deliveries: register (the secret is returned once, stored sealed
 * with the instance secret), list, change, remove; the recent deliveries of one, and
 * redelivering one.
 */
export class WebhookStore {
  constructor(
    readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    readonly options: WebhookStoreOptions,
  ) {}

  /** Checks a URL against the target policy; throws WebhookTargetError naming the problem. */
  async checkUrl(url: string): Promise<string> {
    return (await checkTarget(url, this.options.privateTargets, this.options.resolve)).href;
  }

  async create(input: { workspaceId: number; url: string; events: string[]; description?: string | null; createdBy: string | null }, now: number): Promise<{ webhook: WebhookInfo; secret: string }> {
    const url = await this.checkUrl(input.url);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const row = await this.db
      .insertInto('webhook')
      .values({
        workspace_id: input.workspaceId,
        url,
        events: JSON.stringify(input.events),
        secret: this.box.seal(secret),
        description: input.description ?? null,
        created_by: input.createdBy,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    forgetWebhooks(this.db, input.workspaceId);
    return { webhook: info(row), secret };
  }

  async list(workspaceId: number): Promise<WebhookInfo[]> {
    const rows = await this.db.selectFrom('webhook').selectAll().where('workspace_id', '=', workspaceId).where('removed_at', 'is', null).orderBy('id').execute();
    return rows.map(info);
  }

  /** A webhook not removed, or undefined. */
  async get(id: number): Promise<WebhookInfo | undefined> {
    const row = await this.db.selectFrom('webhook').selectAll().where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
    return row ? info(row) : undefined;
  }

  /** The secret deliveries are signed with (only the sender reads it). */
  secretOf(row: Pick<WebhookRow, 'secret'>): string {
    return this.box.open(row.secret);
  }

  /** Changes a webhook; enabling one clears its run of failures and the note. */
  async update(id: number, change: { url?: string; events?: string[]; description?: string | null; enabled?: boolean }): Promise<WebhookInfo> {
    const found = await this.get(id);
    if (!found) throw new WebhookNotFound(`no webhook ${id}`);
    const url = change.url !== undefined ? await this.checkUrl(change.url) : undefined;
    const row = await this.db
      .updateTable('webhook')
      .set({
        ...(url !== undefined ? { url } : {}),
        ...(change.events ? { events: JSON.stringify(change.events) } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.enabled === true ? { enabled: 1, disabled_reason: null, failures_in_a_row: 0 } : {}),
        ...(change.enabled === false ? { enabled: 0, disabled_reason: null } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    forgetWebhooks(this.db, found.workspaceId);
    return info(row);
  }

  /** Removes a webhook: nothing more is queued or sent for it; its delivery history stays. */
  async remove(id: number, now: number): Promise<WebhookInfo> {
    const found = await this.get(id);
    if (!found) throw new WebhookNotFound(`no webhook ${id}`);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('webhook').set({ removed_at: now, enabled: 0 }).where('id', '=', id).execute();
      await trx
        .updateTable('webhook_delivery')
        .set({ status: 'failed', last_error: 'the webhook was removed', lease_until: null })
        .where('webhook_id', '=', id)
        .where('status', 'in', ['pending', 'sending'])
        .execute();
    });
    forgetWebhooks(this.db, found.workspaceId);
    return found;
  }

  /** The latest deliveries of a webhook, newest first, and how many wait or failed. */
  async deliveries(webhookId: number, limit = 50): Promise<{ deliveries: DeliveryInfo[]; counts: Record<DeliveryRow['status'], number> }> {
    const [rows, counts] = await Promise.all([
      this.db.selectFrom('webhook_delivery').selectAll().where('webhook_id', '=', webhookId).orderBy('id', 'desc').limit(limit).execute(),
      this.db
        .selectFrom('webhook_delivery')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('webhook_id', '=', webhookId)
        .groupBy('status')
        .execute(),
    ]);
    const byStatus = { pending: 0, sending: 0, delivered: 0, failed: 0 };
    for (const c of counts) byStatus[c.status] = Number(c.n);
    return { deliveries: rows.map(deliveryInfo), counts: byStatus };
  }

  /** Sends a delivery again (the same body, newly signed), now, with a fresh run of attempts. */
  async redeliver(webhookId: number, deliveryId: number, now: number): Promise<DeliveryInfo> {
    const found = await this.get(webhookId);
    if (!found) throw new WebhookNotFound(`no webhook ${webhookId}`);
    const row = await this.db
      .updateTable('webhook_delivery')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, delivered_at: null })
      .where('id', '=', deliveryId)
      .where('webhook_id', '=', webhookId)
      .where('status', '!=', 'sending')
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const exists = await this.db.selectFrom('webhook_delivery').select('status').where('id', '=', deliveryId).where('webhook_id', '=', webhookId).executeTakeFirst();
      throw exists ? new WebhookBusy(`delivery ${deliveryId} is being sent right now; try again when it is answered`) : new WebhookNotFound(`no delivery ${deliveryId} for webhook ${webhookId}`);
    }
    return deliveryInfo(row);
  }
}

export class WebhookBusy extends Error {
  override readonly name = 'WebhookBusy';
}
