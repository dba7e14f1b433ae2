import type { Kysely } from 'kysely';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import { DISABLE_AFTER_FAILURES, MAX_ATTEMPTS, retryDelayMs } from './webhook-backoff.js';
import { forgetWebhooks } from './webhook-fanout.js';
import { deliveryHeaders } from './webhook-signature.js';
import type { WebhookStore } from './webhook-store.js';

export interface WebhookSenderOptions {
  fetch?: typeof fetch;
  /** How long a receiver has to answer. */
  timeoutMs?: number;
  /** Deliveries claimed per pass. */
  batch?: number;
  random?: () => number;
  /** Failed attempts in a row that disable a webhook (default {@link DISABLE_AFTER_FAILURES}). */
  disableAfter?: number;
}

export interface SendPass {
  delivered: number;
  retried: number;
  failed: number;
  /** When the earliest waiting delivery is due (epoch ms), or null. */
  nextDueAt: number | null;
}

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * Sends due deliveries: claims each (a lease, so two workers never send the same
 * one at once), POSTs its body signed with the webhook's secret, and settles it:
 * delivered on a 2xx, otherwise tried again with backoff until {@link MAX_ATTEMPTS};
 * a webhook failing `disableAfter` attempts in a row is disabled with
 * a note (and an audit entry). Redirects are not followed (the target policy was
 * checked for the URL given, not for wherever it redirects).
 */
export class WebhookSender {
  readonly #db: Kysely<Database>;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #batch: number;
  readonly #random: () => number;
  readonly #disableAfter: number;

  constructor(
    private readonly store: WebhookStore,
    private readonly clock: () => number,
    options: WebhookSenderOptions = {},
  ) {
    this.#db = store.db;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#batch = options.batch ?? 20;
    this.#random = options.random ?? Math.random;
    this.#disableAfter = options.disableAfter ?? DISABLE_AFTER_FAILURES;
  }

  async runDue(): Promise<SendPass> {
    const now = this.clock();
    const due = await this.#db
      .selectFrom('webhook_delivery as d')
      .innerJoin('webhook as w', 'w.id', 'd.webhook_id')
      .select(['d.id', 'd.kind', 'd.body', 'd.attempts', 'd.status', 'd.webhook_id', 'w.url', 'w.secret', 'w.workspace_id'])
      .where('w.enabled', '=', 1)
      .where('w.removed_at', 'is', null)
      .where((eb) => eb.or([eb.and([eb('d.status', '=', 'pending'), eb('d.next_attempt_at', '<=', now)]), eb.and([eb('d.status', '=', 'sending'), eb('d.lease_until', '<', now)])]))
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(this.#batch)
      .execute();
    const pass: SendPass = { delivered: 0, retried: 0, failed: 0, nextDueAt: null };
    await Promise.all(
      due.map(async (d) => {
        const claimed = await this.#db
          .updateTable('webhook_delivery')
          .set({ status: 'sending', lease_until: now + this.#timeoutMs * 2, attempts: d.attempts + 1 })
          .where('id', '=', d.id)
          .where('attempts', '=', d.attempts)
          .where('status', '=', d.status)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) return;
        let secret: string;
        try {
          secret = this.store.secretOf(d);
        } catch {
          // Sealed under another HEARTH_SECRET: nothing can be signed; the operator re-creates the webhook.
          pass[await this.#settle(d, d.attempts + 1, { ok: false, status: null, error: 'its secret cannot be read with this HEARTH_SECRET; remove the webhook and register it again' })]++;
          return;
        }
        const outcome = await this.#post(d.url, secret, d.body, { id: d.id, kind: d.kind });
        const result = await this.#settle(d, d.attempts + 1, outcome);
        pass[result]++;
      }),
    );
    const next = await this.#db
      .selectFrom('webhook_delivery as d')
      .innerJoin('webhook as w', 'w.id', 'd.webhook_id')
      .select((eb) => eb.fn.min('d.next_attempt_at').as('at'))
      .where('d.status', '=', 'pending')
      .where('w.enabled', '=', 1)
      .where('w.removed_at', 'is', null)
      .executeTakeFirst();
    pass.nextDueAt = next?.at === null || next?.at === undefined ? null : Number(next.at);
    return pass;
  }

  async #post(url: string, secret: string, body: string, delivery: { id: number; kind: string }): Promise<Outcome> {
    try {
      // The address is checked again before each attempt: a name may now point elsewhere.
      await this.store.checkUrl(url);
      const response = await this.#fetch(url, {
        method: 'POST',
        headers: deliveryHeaders(secret, body, delivery, this.clock()),
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
      return { ok: false, status: response.status, error: `the receiver answered HTTP ${response.status}${redirect}` };
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.#timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { ok: false, status: null, error: why };
    }
  }

  async #settle(d: { id: number; webhook_id: number; workspace_id: number; url: string }, attempts: number, outcome: Outcome): Promise<'delivered' | 'retried' | 'failed'> {
    const now = this.clock();
    if (outcome.ok) {
      await this.#db
        .updateTable('webhook_delivery')
        .set({ status: 'delivered', lease_until: null, last_status: outcome.status, last_error: null, last_attempt_at: now, delivered_at: now })
        .where('id', '=', d.id)
        .execute();
      await this.#db.updateTable('webhook').set({ failures_in_a_row: 0 }).where('id', '=', d.webhook_id).where('failures_in_a_row', '>', 0).execute();
      return 'delivered';
    }
    const giveUp = attempts >= MAX_ATTEMPTS;
    await this.#db
      .updateTable('webhook_delivery')
      .set({
        status: giveUp ? 'failed' : 'pending',
        lease_until: null,
        last_status: outcome.status,
        last_error: outcome.error.slice(0, 500),
        last_attempt_at: now,
        next_attempt_at: now + retryDelayMs(attempts, this.#random),
      })
      .where('id', '=', d.id)
      .execute();
    const hook = await this.#db
      .updateTable('webhook')
      .set((eb) => ({ failures_in_a_row: eb('failures_in_a_row', '+', 1) }))
      .where('id', '=', d.webhook_id)
      .returning(['failures_in_a_row', 'enabled'])
      .executeTakeFirst();
    if (hook && hook.enabled === 1 && hook.failures_in_a_row >= this.#disableAfter) await this.#disable(d, hook.failures_in_a_row, outcome.error, now);
    return giveUp ? 'failed' : 'retried';
  }

  async #disable(d: { webhook_id: number; workspace_id: number; url: string }, failures: number, lastError: string, now: number): Promise<void> {
    const reason = `disabled after ${failures} failed attempts in a row (last: ${lastError.slice(0, 200)}); fix the receiver and enable it again — waiting deliveries are kept`;
    const changed = await this.#db.updateTable('webhook').set({ enabled: 0, disabled_reason: reason }).where('id', '=', d.webhook_id).where('enabled', '=', 1).executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) return;
    forgetWebhooks(this.#db, d.workspace_id);
    await recordAudit(
      this.#db,
      {
        workspaceId: d.workspace_id,
        actor: SYSTEM_ACTOR('webhooks'),
        action: 'webhook.disabled',
        target: { kind: 'webhook', id: d.webhook_id },
        detail: { url: d.url, failures, lastError: lastError.slice(0, 200) },
      },
      now,
    );
  }
}
