import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Bot API call the fake received. */
export interface FakeCall {
  method: string;
  payload: Record<string, unknown>;
  /** Epoch ms when the request arrived. */
  at: number;
  /** The HTTP status it was answered with (0: connection dropped, or still waiting). */
  status: number;
  /** The fault injected into this call, if any. */
  fault?: FakeFailure['code'];
  /** Epoch ms when the answer (or the dropped connection) went back. */
  answeredAt?: number;
  /** Telegram accepted the call but the answer never reached the caller (an `accepted-then-dropped` fault). */
  answerLost?: boolean;
  /** The retry_after (seconds) a 429 answer carried. */
  retryAfter?: number;
}

/** How the fake refuses a call: Telegram's own error answers, or a dropped connection. */
export type FakeFailure =
  | { code: 429; retryAfter: number }
  | { code: 400 | 403 | 500 | 502; description?: string; parameters?: Record<string, unknown> }
  /** The connection drops before Telegram read the call: nothing happened. */
  | { code: 'network' }
  /** No answer for `ms`, then the connection drops (a gateway timeout): nothing happened. */
  | { code: 'timeout'; ms: number }
  /** Telegram does the call but answers `ms` late. */
  | { code: 'slow'; ms: number }
  /** Telegram does the call, then the connection drops before the answer: the caller cannot tell it happened. */
  | { code: 'accepted-then-dropped' };

/** A documented Telegram send limit: at most `limit` messages per `windowMs`, per chat or for the whole bot. */
export interface FakeLimit {
  scope: 'chat' | 'global';
  limit: number;
  windowMs: number;
}

/** Telegram's published limits for bots, kept here independently of the adapter's own declaration. */
export const TELEGRAM_PUBLISHED_LIMITS: readonly FakeLimit[] = [
  { scope: 'chat', limit: 1, windowMs: 1_000 },
  { scope: 'chat', limit: 20, windowMs: 60_000 },
  { scope: 'global', limit: 30, windowMs: 1_000 },
];

export interface LimitReport {
  exceeded: boolean;
  /** Each window that held more sends than allowed. */
  violations: { scope: 'chat' | 'global'; chat?: string; limit: number; windowMs: number; from: number; to: number }[];
  /** Per limit, the smallest time span observed between a send and the `limit`-th send after it (ms). */
  tightest: { scope: 'chat' | 'global'; limit: number; windowMs: number; spanMs: number | null }[];
  sends: number;
}

export interface FakeBotApiOptions {
  /** Only this token is accepted (others get 401). Default: any. */
  token?: string;
  /** Added before each answer, like the network distance to Telegram. */
  latencyMs?: number;
  /**
   * Decides a fault for each call not already told to fail by `failNext` (R6 draws
   * them at random, seeded): undefined lets the call through.
   */
  faults?: (call: FakeCall) => FakeFailure | undefined;
}

/** Methods that act in a chat; failures set with `failNext` apply to these by default. */
export const ACTION_METHODS = ['sendMessage', 'deleteMessage', 'restrictChatMember', 'banChatMember', 'unbanChatMember', 'createChatInviteLink'];

const BOT = { id: 700000001, is_bot: true, first_name: 'Hearth Test Bot', username: 'hearth_test_bot' };

/**
 * A local fake of the Telegram Bot API for grammY (`client.apiRoot`): node:http on
 * 127.0.0.1 at a random port. It records every call with its payload and arrival
 * time, answers the methods Hearth uses like Telegram does, serves queued updates to
 * long polling, can be told to refuse the next calls (429 with retry_after, 403, 500,
 * a dropped connection), and checks the recorded sends against Telegram's limits.
 */
export class FakeBotApi {
  readonly calls: FakeCall[] = [];
  readonly bot = BOT;
  #server: Server;
  #failures: { failure: FakeFailure; methods: string[] }[] = [];
  #updates: Record<string, unknown>[] = [];
  #nextUpdateId = 1;
  #nextMessageId = new Map<string, number>();
  #waiters = new Set<() => void>();
  #links = 0;
  #members = new Map<string, Record<string, unknown>>();

  private constructor(
    server: Server,
    private readonly options: FakeBotApiOptions,
  ) {
    this.#server = server;
  }

  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    let fake: FakeBotApi | undefined;
    const server = createServer((req, res) => void fake!.#handle(req, res));
    server.keepAliveTimeout = 60_000;
    fake = new FakeBotApi(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** For grammY's `client.apiRoot` (or the connection's `apiRoot` setting). */
  get apiRoot(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Messages Telegram accepted, per chat: what members saw. The fake dedups nothing,
   * so a message sent twice counts twice (an answer lost after acceptance included).
   */
  deliveries(): Map<string, number> {
    const per = new Map<string, number>();
    for (const c of this.calls) if (c.method === 'sendMessage' && c.status === 200) per.set(String(c.payload.chat_id), (per.get(String(c.payload.chat_id)) ?? 0) + 1);
    return per;
  }

  /** The next `count` calls to `methods` (default: the chat actions) are refused this way. */
  failNext(count: number, failure: FakeFailure, methods: string[] = ACTION_METHODS): void {
    for (let i = 0; i < count; i++) this.#failures.push({ failure, methods });
  }

  /** Queues updates for getUpdates; those without an update_id get the next one. */
  queueUpdates(...updates: Record<string, unknown>[]): void {
    for (const u of updates) {
      const id = typeof u.update_id === 'number' ? u.update_id : this.#nextUpdateId;
      this.#nextUpdateId = Math.max(this.#nextUpdateId, id + 1);
      this.#updates.push({ ...u, update_id: id });
    }
    for (const wake of this.#waiters) wake();
  }

  /** What getChatMember answers for the bot in `chatId` (default: a plain member). */
  setBotMember(chatId: string, member: Record<string, unknown>): void {
    this.#members.set(chatId, member);
  }

  /** Updates not yet confirmed by a later offset. */
  get pendingUpdates(): number {
    return this.#updates.length;
  }

  /** Checks the successful calls of `methods` (default sendMessage) against the limits, from arrival times. */
  checkLimits(limits: readonly FakeLimit[] = TELEGRAM_PUBLISHED_LIMITS, methods: string[] = ['sendMessage']): LimitReport {
    const sends = this.calls.filter((c) => methods.includes(c.method) && c.status === 200);
    const violations: LimitReport['violations'] = [];
    const tightest: LimitReport['tightest'] = [];
    for (const limit of limits) {
      const series = new Map<string, number[]>();
      for (const s of sends) {
        const key = limit.scope === 'global' ? '*' : String(s.payload.chat_id);
        const list = series.get(key);
        if (list) list.push(s.at);
        else series.set(key, [s.at]);
      }
      let span: number | null = null;
      for (const [chat, times] of series) {
        times.sort((a, b) => a - b);
        for (let i = limit.limit; i < times.length; i++) {
          const d = times[i]! - times[i - limit.limit]!;
          span = span === null ? d : Math.min(span, d);
          if (d < limit.windowMs)
            violations.push({ scope: limit.scope, ...(limit.scope === 'chat' ? { chat } : {}), limit: limit.limit, windowMs: limit.windowMs, from: times[i - limit.limit]!, to: times[i]! });
        }
      }
      tightest.push({ scope: limit.scope, limit: limit.limit, windowMs: limit.windowMs, spanMs: span });
    }
    return { exceeded: violations.length > 0, violations, tightest, sends: sends.length };
  }

  async close(): Promise<void> {
    for (const wake of this.#waiters) wake();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const call: FakeCall = { method: match?.[2] ?? '(none)', payload: {}, at, status: 0 };
    this.calls.push(call);
    let injected: FakeFailure | undefined;
    const answer = async (status: number, body: unknown) => {
      if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
      const slowMs = injected?.code === 'slow' ? injected.ms : 0;
      if (slowMs > 0) await new Promise((r) => setTimeout(r, slowMs));
      if (injected?.code === 'accepted-then-dropped' && status === 200) {
        // Telegram did it; the caller only sees the connection go.
        call.status = status;
        call.answerLost = true;
        call.answeredAt = Date.now();
        return void req.socket.destroy();
      }
      if (res.destroyed) return;
      call.status = status;
      call.answeredAt = Date.now();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const drop = () => {
      call.answeredAt = Date.now();
      req.socket.destroy();
    };
    const fail = (code: number, description: string, parameters?: Record<string, unknown>) => answer(code, { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) });
    if (!match) return void (await fail(404, 'Not Found'));
    if (this.options.token !== undefined && match[1] !== this.options.token) return void (await fail(401, 'Unauthorized'));
    try {
      const raw = Buffer.concat(chunks).toString('utf8');
      call.payload = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return void (await fail(400, 'Bad Request: the fake only reads JSON bodies'));
    }
    const i = this.#failures.findIndex((f) => f.methods.includes(call.method));
    const failure = i >= 0 ? this.#failures.splice(i, 1)[0]!.failure : this.options.faults?.(call);
    if (failure) {
      call.fault = failure.code;
      if (failure.code === 'slow' || failure.code === 'accepted-then-dropped') injected = failure;
    }
    if (failure && failure.code !== 'slow' && failure.code !== 'accepted-then-dropped') {
      if (failure.code === 'network') return void drop();
      if (failure.code === 'timeout') return void setTimeout(drop, failure.ms);
      if (failure.code === 429) call.retryAfter = failure.retryAfter;
      if (failure.code === 429) return void (await fail(429, `Too Many Requests: retry after ${failure.retryAfter}`, { retry_after: failure.retryAfter }));
      const text = failure.description ?? (failure.code === 403 ? 'Forbidden: bot is not a member of the group chat' : failure.code === 400 ? 'Bad Request' : 'Internal Server Error');
      return void (await fail(failure.code, text, failure.parameters));
    }
    const p = call.payload;
    const need = (...fields: string[]) => fields.find((f) => p[f] === undefined || p[f] === '');
    switch (call.method) {
      case 'getMe':
        return void (await answer(200, { ok: true, result: { ...BOT, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } }));
      case 'deleteWebhook':
      case 'setWebhook':
        return void (await answer(200, { ok: true, result: true }));
      case 'getChatMember': {
        if (need('chat_id', 'user_id')) return void (await fail(400, 'Bad Request: chat not found'));
        const member = this.#members.get(String(p.chat_id)) ?? { status: 'member' };
        return void (await answer(200, { ok: true, result: { user: BOT, ...member } }));
      }
      case 'sendMessage': {
        const missing = need('chat_id', 'text');
        if (missing) return void (await fail(400, missing === 'text' ? 'Bad Request: message text is empty' : 'Bad Request: chat not found'));
        const chat = String(p.chat_id);
        const id = (this.#nextMessageId.get(chat) ?? 1000) + 1;
        this.#nextMessageId.set(chat, id);
        const result = {
          message_id: id,
          date: Math.floor(at / 1000),
          chat: { id: Number(p.chat_id), type: 'supergroup', title: 'Fake group' },
          from: BOT,
          text: p.text,
          ...(p.entities ? { entities: p.entities } : {}),
        };
        return void (await answer(200, { ok: true, result }));
      }
      case 'deleteMessage': {
        if (need('chat_id', 'message_id')) return void (await fail(400, 'Bad Request: message to delete not found'));
        return void (await answer(200, { ok: true, result: true }));
      }
      case 'restrictChatMember': {
        if (need('chat_id', 'user_id', 'permissions')) return void (await fail(400, 'Bad Request: invalid user_id specified'));
        return void (await answer(200, { ok: true, result: true }));
      }
      case 'banChatMember':
      case 'unbanChatMember': {
        if (need('chat_id', 'user_id')) return void (await fail(400, 'Bad Request: invalid user_id specified'));
        return void (await answer(200, { ok: true, result: true }));
      }
      case 'createChatInviteLink': {
        if (need('chat_id')) return void (await fail(400, 'Bad Request: chat not found'));
        this.#links++;
        const result = {
          invite_link: `https://t.me/+fakeLink${this.#links}`,
          creator: BOT,
          creates_join_request: p.creates_join_request === true,
          is_primary: false,
          is_revoked: false,
          ...(p.name !== undefined ? { name: p.name } : {}),
          ...(p.member_limit !== undefined ? { member_limit: p.member_limit } : {}),
          ...(p.expire_date !== undefined ? { expire_date: p.expire_date } : {}),
        };
        return void (await answer(200, { ok: true, result }));
      }
      case 'getUpdates':
        return void (await this.#getUpdates(p, res, answer));
      default:
        return void (await fail(404, 'Not Found: method not found'));
    }
  }

  async #getUpdates(p: Record<string, unknown>, res: ServerResponse, answer: (status: number, body: unknown) => Promise<void>): Promise<void> {
    const offset = typeof p.offset === 'number' ? p.offset : 0;
    const limit = typeof p.limit === 'number' ? p.limit : 100;
    // A later offset confirms every update before it, as on Telegram.
    this.#updates = this.#updates.filter((u) => (u.update_id as number) >= offset);
    const timeoutMs = (typeof p.timeout === 'number' ? p.timeout : 0) * 1000;
    if (this.#updates.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.#waiters.add(done);
        res.once('close', done);
      });
    }
    if (res.destroyed) return;
    await answer(200, { ok: true, result: this.#updates.slice(0, limit) });
  }
}
