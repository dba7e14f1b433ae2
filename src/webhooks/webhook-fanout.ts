import type { Kysely, Transaction } from 'kysely';
import type { AutomationContext } from '../core/automation-context.js';
import type { Dispatched } from '../outbox/dispatcher.js';
import type { Database } from '../store/schema.js';
import { actionKinds, wants } from './webhook-events.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A live webhook as the fan-out needs it: which kinds it wants. */
export interface ActiveWebhook {
  id: number;
  events: string[];
}

/** How long a process trusts its list of a workspace's webhooks (another process may have changed it). */
const CACHE_MS = 3_000;

const caches = new WeakMap<object, Map<number, { at: number; hooks: ActiveWebhook[]; slug: string }>>();

/** Forgets a workspace's cached webhooks in this process (after a create, change or removal). */
export function forgetWebhooks(db: object, workspaceId: number): void {
  caches.get(db)?.delete(workspaceId);
}

/**
 * Queues deliveries where Hearth records what happened, so none is lost to a crash:
 * for an event, inside the ingest transaction that stores it (a stateful rule, run for
 * live traffic only, never for a history import); for a rule's action, as soon as the
 * dispatcher has settled its outbox row. Each delivery's body is built here once.
 */
export class WebhookFanout {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => number,
  ) {}

  /** A workspace's live webhooks, read through `db` (inside ingest: its transaction, SQLite's one connection). */
  async #active(db: Db, workspaceId: number, now: number): Promise<{ hooks: ActiveWebhook[]; slug: string }> {
    let cache = caches.get(this.db);
    if (!cache) caches.set(this.db, (cache = new Map()));
    const hit = cache.get(workspaceId);
    if (hit && now - hit.at < CACHE_MS) return hit;
    const [rows, workspace] = await Promise.all([
      db.selectFrom('webhook').select(['id', 'events']).where('workspace_id', '=', workspaceId).where('removed_at', 'is', null).where('enabled', '=', 1).execute(),
      db.selectFrom('workspace').select('slug').where('id', '=', workspaceId).executeTakeFirst(),
    ]);
    const entry = { at: now, slug: workspace?.slug ?? String(workspaceId), hooks: rows.map((r) => ({ id: r.id, events: JSON.parse(r.events) as string[] })) };
    cache.set(workspaceId, entry);
    return entry;
  }

  /** The ingest rule: one delivery per webhook that wants this event's kind, in the batch's transaction. */
  readonly onEvent = async (trx: Transaction<Database>, ctx: AutomationContext, eventId: number): Promise<number> => {
    const { hooks, slug } = await this.#active(trx, ctx.group.workspaceId, Date.now());
    const event = ctx.event;
    const wanted = hooks.filter((h) => wants(h.events, event.kind));
    if (wanted.length === 0) return 0;
    const body = JSON.stringify({
      id: `event:${eventId}`,
      kind: event.kind,
      workspace: slug,
      occurredAt: event.occurredAt,
      group: { id: ctx.group.id, name: ctx.group.name, platform: ctx.group.platform, externalId: event.group.id },
      member: { id: ctx.member.id, name: ctx.member.displayName, isBot: ctx.member.isBot },
      event,
    });
    await insertDeliveries(
      trx,
      wanted.map((h) => ({ webhookId: h.id, sourceKey: `event:${eventId}`, kind: event.kind, body })),
      ctx.now,
    );
    return 0;
  };

  /** The dispatcher's settled rows: `action.sent`, `enforcement.taken`, `action.parked`. */
  readonly onSettled = async (dispatched: readonly Dispatched[]): Promise<void> => {
    const settled = dispatched.flatMap((d) => actionKinds(d.status, d.action.type).map((kind) => ({ d, kind })));
    if (settled.length === 0) return;
    const now = this.clock();
    const groups = await this.db
      .selectFrom('chat_group')
      .select(['id', 'workspace_id', 'name', 'platform', 'external_id'])
      .where('id', 'in', [...new Set(settled.map((s) => s.d.groupId))])
      .execute();
    const groupOf = new Map(groups.map((g) => [g.id, g]));
    const rows: NewDelivery[] = [];
    for (const { d, kind } of settled) {
      const group = groupOf.get(d.groupId);
      if (!group) continue;
      const { hooks, slug } = await this.#active(this.db, group.workspace_id, Date.now());
      const wanted = hooks.filter((h) => wants(h.events, kind));
      if (wanted.length === 0) continue;
      const sourceKey = `action:${d.outboxId}:${kind}`;
      const body = JSON.stringify({
        id: sourceKey,
        kind,
        workspace: slug,
        occurredAt: new Date(now).toISOString(),
        group: { id: group.id, name: group.name, platform: group.platform, externalId: group.external_id },
        rule: d.rule,
        action: d.action,
        ...(d.receipt ? { receipt: d.receipt } : {}),
        ...(d.parkedReason ? { parkedReason: d.parkedReason } : {}),
        ...(d.error ? { error: d.error } : {}),
      });
      for (const h of wanted) rows.push({ webhookId: h.id, sourceKey, kind, body });
    }
    await insertDeliveries(this.db, rows, now);
  };
}

export interface NewDelivery {
  webhookId: number;
  sourceKey: string;
  kind: string;
  body: string;
}

/** Queues deliveries, due now; one already queued for the same webhook and source is left as it is. */
export async function insertDeliveries(db: Db, rows: readonly NewDelivery[], now: number): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('webhook_delivery')
    .values(rows.map((r) => ({ webhook_id: r.webhookId, source_key: r.sourceKey, kind: r.kind, body: r.body, status: 'pending' as const, next_attempt_at: now, created_at: now })))
    .onConflict((oc) => oc.columns(['webhook_id', 'source_key']).doNothing())
    .execute();
}
