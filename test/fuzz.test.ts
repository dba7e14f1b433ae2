import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Hono } from 'hono';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import { importHistory } from '../src/importers/history-import.js';
import { IMPORT_FORMATS, type ImportFormat } from '../src/importers/import-formats.js';
import { ImportError } from '../src/importers/import-source.js';
import { telegramWebhookRoutes } from '../src/platforms/telegram/receiver.js';
import type { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { openTelegramConnection } from '../src/platforms/telegram/telegram-connection.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService } from '../src/runtime/sandbox-service.js';
import { createApp } from '../src/server/app.js';
import type { Database } from '../src/store/schema.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { addOperator, sessionFor, type ApiClient } from './helpers/auth-fixture.js';
import { backends, type TestBackend } from './helpers/backends.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';
import { corruptBytes, corruptText, fuzzSeed, hugeString, mutateJson, Rng, type MutationLog } from './helpers/fuzz.js';
import { importSeeds } from './helpers/import-seeds.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';
import { tableNames } from './helpers/world-fixture.js';

/**
 * The one warning valid updates may cause: a group that became a supergroup whose new id
 * already has history (mutated ids make such pairs) is left for an operator to merge.
 */
const EXPECTED_WARNING = /^telegram group \S+ became supergroup \S+, but both already have history in Hearth; left unmerged$/;

/*
 * The fuzz suite: thousands of malformed, oversized and hostile inputs per run, fed to
 * every way data enters Hearth — the Telegram webhook, the sandbox API and every
 * history importer. Each must answer with a 4xx (or an ImportError) that names what is
 * wrong, never crash or 5xx, and store nothing of what it refused (rows are counted
 * in every table before and after each refused case). Seeded: the seed is printed, and
 * `HEARTH_FUZZ_SEED=<n>` replays a run exactly; `HEARTH_FUZZ_SCALE=10` hunts longer,
 * `HEARTH_FUZZ_TRACE=1` names each case as it starts. Inputs that once found a bug
 * (the *_REGRESSIONS lists) run first, every time.
 */

const SEED = fuzzSeed();
console.log(`[hearth fuzz] seed ${SEED} (replay: HEARTH_FUZZ_SEED=${SEED} npx vitest run test/fuzz)`);

/** Cases per run on each backend. PostgreSQL runs a slice (each case is a few round trips). */
const CASES: Record<TestBackend['name'], { webhook: number; sandbox: number; importer: number }> = {
  sqlite: { webhook: 2400, sandbox: 1200, importer: 220 },
  postgres: { webhook: 300, sandbox: 250, importer: 30 },
};
/** No single case may take longer than this (a hang is a failure too). */
const CASE_TIMEOUT_MS = 10_000;
/** How many failures are listed before the suite stops collecting. */
const MAX_FAILURES = 25;
/** `HEARTH_FUZZ_TRACE=1` prints each case as it starts (to find a case that hangs the process). */
const TRACE = process.env.HEARTH_FUZZ_TRACE === '1';
const trace = (part: string, i: number, log: MutationLog) => {
  if (TRACE) process.stderr.write(`[hearth fuzz] ${part} case ${i}: ${log.join('; ')}\n`);
};

const TOKEN = '987654321:fuzz-test-token_abcdefghijklmnop';
const SECRET = 'fuzz-hook-secret_0123456789';
const DATA = resolve(import.meta.dirname, '../../shared/data/tg-botapi-updates');

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled.map(String)).toEqual([]);
});

/** Rows per table, in one query. */
async function rowCounts(db: Kysely<Database>, tables: string[]): Promise<Record<string, number>> {
  const union = sql.join(
    tables.map((t) => sql`select ${t} as t, count(*) as n from ${sql.table(t)}`),
    sql` union all `,
  );
  const { rows } = await sql<{ t: string; n: number | string }>`${union}`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

function changedTables(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after)
    .filter((t) => before[t] !== after[t])
    .map((t) => `${t} ${before[t]}→${after[t]}`);
}

/** Runs a case with a time bound; a case that does not settle in time is reported as a hang. */
async function bounded<T>(work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hang: no answer within ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Failures collected over a part of the run, each with what replays it. */
class Failures {
  readonly list: string[] = [];
  constructor(readonly part: string) {}
  add(index: number, log: MutationLog, problem: string) {
    if (this.list.length < MAX_FAILURES) this.list.push(`${this.part} case ${index} [${log.join('; ')}]: ${problem.slice(0, 600)}`);
  }
  get full() {
    return this.list.length >= MAX_FAILURES;
  }
}

/** Captures what the runtime logs (rejected events are a bug in a normalizer). */
function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

// ---------------------------------------------------------------------------
// Telegram webhook payloads

const T = 1_777_000_000;
const chat = { id: -1009990001, type: 'supergroup', title: 'Fuzz Group' };
const ann = { id: 9990001, is_bot: false, first_name: 'Ann', last_name: 'Lee', username: 'annlee' };
const bob = { id: 9990002, is_bot: false, first_name: 'Bob' };

/** Updates of every kind Hearth reads, written here. */
function ownUpdates(): Record<string, unknown>[] {
  return [
    {
      update_id: 1,
      message: {
        message_id: 10,
        date: T,
        chat,
        from: ann,
        text: 'hello @bob https://x.test',
        entities: [
          { type: 'mention', offset: 6, length: 4 },
          { type: 'url', offset: 11, length: 14 },
        ],
      },
    },
    { update_id: 2, message: { message_id: 11, date: T + 5, chat, from: bob, text: 'reply', reply_to_message: { message_id: 10, date: T, chat } } },
    { update_id: 3, message: { message_id: 12, date: T + 9, chat, from: ann, text: '/rules now', entities: [{ type: 'bot_command', offset: 0, length: 6 }] } },
    { update_id: 4, message: { message_id: 13, date: T + 12, chat, from: ann, new_chat_members: [bob, { id: 9990003, is_bot: false, first_name: 'Cy' }] } },
    { update_id: 5, message: { message_id: 14, date: T + 15, chat, from: ann, left_chat_member: bob } },
    { update_id: 6, edited_message: { message_id: 10, date: T, edit_date: T + 60, chat, from: ann, text: 'hello (edited)' } },
    { update_id: 7, message_reaction: { chat, message_id: 10, user: bob, date: T + 70, old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '👍' }] } },
    {
      update_id: 8,
      chat_member: {
        chat,
        from: ann,
        date: T + 80,
        old_chat_member: { status: 'left', user: bob },
        new_chat_member: { status: 'member', user: bob },
        invite_link: { invite_link: 'https://t.me/+abc', name: 'spring' },
      },
    },
    {
      update_id: 9,
      message: {
        message_id: 15,
        date: T + 90,
        chat,
        sender_chat: chat,
        photo: [{ file_id: 'f', width: 1, height: 1 }],
        caption: 'pic',
        caption_entities: [{ type: 'text_mention', offset: 0, length: 3, user: ann }],
      },
    },
    { update_id: 10, message: { message_id: 16, date: T + 95, chat: { id: -4440001, type: 'group', title: 'Old' }, from: ann, migrate_to_chat_id: -1004440001 } },
  ];
}

/** The real-shaped payloads in ../shared/data, each as an Update; private chats also moved into a group, so they reach the group paths. */
function realUpdates(): Record<string, unknown>[] {
  if (!existsSync(DATA)) {
    console.log(`[hearth fuzz] ${DATA} is absent: the webhook is fuzzed with Hearth's own update shapes only.`);
    return [];
  }
  const out: Record<string, unknown>[] = [];
  for (const dir of readdirSync(DATA, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(DATA, dir.name)).filter((f) => f.endsWith('.json') && f !== 'INDEX.json')) {
      const raw = JSON.parse(readFileSync(join(DATA, dir.name, file), 'utf8')) as Record<string, unknown>;
      const update = 'update_id' in raw ? raw : 'old_reaction' in raw ? { update_id: 1, message_reaction: raw } : { update_id: 1, message: raw };
      out.push(update);
      const moved = structuredClone(update) as Record<string, Record<string, unknown> | undefined>;
      for (const field of ['message', 'edited_message', 'message_reaction', 'chat_member', 'my_chat_member']) {
        const inner = moved[field];
        if (inner && typeof inner.chat === 'object' && inner.chat) inner.chat = { ...(inner.chat as object), type: 'supergroup', id: -1009990002, title: 'Moved Group' };
      }
      out.push(moved);
    }
  }
  return out;
}

/** Inputs that once found a bug, run first on every run (then the random cases). */
const WEBHOOK_REGRESSIONS: { what: string; update: Record<string, unknown> }[] = [
  { what: 'a date past the year 9999 (was a RangeError, 500)', update: { message: { message_id: 1, date: 8.64e12 + 1, chat, from: ann, text: 'x' } } },
  { what: 'an edit date past the year 9999', update: { edited_message: { message_id: 1, date: T, edit_date: 253_402_300_800, chat, from: ann, text: 'x' } } },
  {
    what: 'a lone surrogate as a reaction (was acknowledged, then dropped by ingest)',
    update: { message_reaction: { chat, message_id: 10, user: bob, date: T, old_reaction: [], new_reaction: [{ type: 'emoji', emoji: 'x\udfffy' }] } },
  },
  {
    what: 'U+0000 in a name (was a 500 on PostgreSQL)',
    update: { message: { message_id: 2, date: T, chat: { ...chat, title: 'a\u0000b' }, from: { ...ann, first_name: 'A\u0000nn', username: 'a\u0000' }, text: 'hi\u0000there' } },
  },
  { what: 'two lone surrogates as names (became one row on both backends)', update: { message: { message_id: 3, date: T, chat, from: { id: 9990009, first_name: '\ud800' }, text: '\ud83d' } } },
];

/** A JSON body more than 1 MB long, or nested far deeper than any update. */
function oversized(rng: Rng, seed: Record<string, unknown>, log: MutationLog): string {
  switch (rng.int(0, 3)) {
    case 0:
      log.push('body > 1 MB');
      return JSON.stringify({ ...seed, padding: 'x'.repeat(1024 * 1024 + rng.int(1, 4096)) });
    case 1:
      log.push('nested 100k deep');
      return `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    default: {
      log.push('100k entities');
      const message = { message_id: 1, date: T, chat, from: ann, text: hugeString(rng, 200_000), entities: Array.from({ length: 20_000 }, (_, i) => ({ type: 'mention', offset: i, length: 1 })) };
      return JSON.stringify({ update_id: 99, message });
    }
  }
}

async function fuzzWebhook(backend: TestBackend, cases: number): Promise<{ failures: string[]; cases: number; stored: number }> {
  const made = backend.create();
  const { logger, lines } = captureLogger();
  const runtime = await HearthRuntime.open(made.target, { logger });
  const fake = await FakeBotApi.start({ token: TOKEN });
  let adapter: TelegramAdapter | undefined;
  try {
    const workspaceId = (await ensureWorkspace(runtime.store.db, 'fuzz')).id;
    const connections = new ConnectionStore(runtime.store.db, new SecretBox('a-fuzz-instance-secret-of-32-chars-or-more'));
    const { id: connectionId } = await connections.add({
      workspaceId,
      platform: 'telegram',
      name: 'fuzz-bot',
      settings: { token: TOKEN, mode: 'webhook', webhookSecret: SECRET, apiRoot: fake.apiRoot },
    });
    adapter = await openTelegramConnection(runtime, await connections.get(connectionId));
    const app = new Hono().route('/hooks/telegram', telegramWebhookRoutes({ runtime }));
    const tables = await tableNames(runtime.store.db);
    const seeds = [...ownUpdates(), ...realUpdates()];
    const failures = new Failures(`webhook on ${backend.name}`);
    let nextUpdateId = 1_000;
    const statuses: Record<number, number> = {};

    for (let i = 0; i < cases && !failures.full; i++) {
      const rng = Rng.from(SEED, 1, i);
      const log: MutationLog = [];
      const seed = structuredClone(rng.pick(seeds));
      // Fresh ids, so a payload that passes is a new update rather than a duplicate.
      seed.update_id = nextUpdateId++;
      let body: string | Uint8Array;
      const mode = rng.float();
      const regression = WEBHOOK_REGRESSIONS[i];
      if (regression) {
        log.push(`regression: ${regression.what}`);
        body = JSON.stringify({ ...regression.update, update_id: seed.update_id });
      } else if (mode < 0.72) body = JSON.stringify(mutateJson(rng, seed, log));
      else if (mode < 0.88) body = corruptText(rng, JSON.stringify(seed), log);
      else if (mode < 0.93) body = oversized(rng, seed, log);
      else {
        log.push('unmutated');
        body = JSON.stringify(seed);
      }
      let path = `/hooks/telegram/${connectionId}`;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET };
      if (regression) {
        // Sent as it is.
      } else if (rng.chance(0.03)) {
        path = `/hooks/telegram/${rng.pick(['0', '-1', 'abc', '1e3', '99999999999999999999', '%00', String(connectionId + 1)])}`;
        log.push(`path ${path}`);
        // biome-ignore lint/suspicious/noDuplicateElseIf: each chance() is a new draw
      } else if (rng.chance(0.03)) {
        headers['x-telegram-bot-api-secret-token'] = rng.pick(['', 'wrong', `${SECRET}x`, SECRET.slice(1)]);
        log.push('wrong secret');
      }

      trace('webhook', i, log);
      const before = await rowCounts(runtime.store.db, tables);
      const rejectedBefore = lines.length;
      let res: Response;
      try {
        res = await bounded(async () => app.request(path, { method: 'POST', body: body as BodyInit, headers }));
      } catch (error) {
        failures.add(i, log, `threw ${String(error)}`);
        continue;
      }
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const text = await res.text();
      let answer: { error?: unknown; ok?: unknown } | undefined;
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        answer = undefined;
      }
      if (res.status >= 500) {
        failures.add(i, log, `${res.status} ${text}`);
        continue;
      }
      if (!answer) {
        failures.add(i, log, `${res.status} answer is not JSON: ${text}`);
        continue;
      }
      if (res.status >= 400) {
        if (typeof answer.error !== 'string' || answer.error.length < 5) failures.add(i, log, `${res.status} without a named reason: ${text}`);
        else if (res.status === 400 && !/not valid JSON|invalid telegram payload: \S/.test(answer.error)) failures.add(i, log, `400 with an unexpected reason: ${answer.error}`);
        const changed = changedTables(before, await rowCounts(runtime.store.db, tables));
        if (changed.length) failures.add(i, log, `refused (${res.status}) but stored: ${changed.join(', ')}`);
      } else if (answer.ok !== true) {
        failures.add(i, log, `${res.status} ${text}`);
      }
      const logged = lines.slice(rejectedBefore).filter((l) => l.level !== undefined && Number(l.level) >= 40 && !EXPECTED_WARNING.test(String(l.msg)));
      if (logged.length) failures.add(i, log, `runtime logged: ${JSON.stringify(logged[0])}`);
    }
    const stored = Number((await sql<{ n: number }>`select count(*) as n from event`.execute(runtime.store.db)).rows[0]!.n);
    console.log(`[hearth fuzz] webhook on ${backend.name}: ${cases} cases, answers ${JSON.stringify(statuses)}, ${stored} events stored`);
    return { failures: failures.list, cases, stored };
  } finally {
    await adapter?.stop();
    await fake.close();
    await runtime.close();
    await made.cleanup();
  }
}

// ---------------------------------------------------------------------------
// The sandbox API

/** Inputs that once found a bug, run first on every run. */
const SANDBOX_REGRESSIONS: { what: string; body: Record<string, unknown> }[] = [
  { what: 'U+0000 in a member name (was a 500 on PostgreSQL)', body: { member: 'a\u0000b' } },
  { what: 'U+0000 in the text', body: { text: 'hi\u0000' } },
  { what: 'a lone surrogate as a member', body: { member: '\ud800' } },
  { what: 'another lone surrogate as a member (the store saw the same U+FFFD: a duplicate key, 500)', body: { member: '\ud83d' } },
];

async function fuzzSandbox(backend: TestBackend, cases: number): Promise<{ failures: string[]; accepted: number }> {
  const made = backend.create();
  const { logger, lines } = captureLogger();
  const f = await sandboxFixture(made.target, Date.parse('2026-07-10T12:00:00Z'), { logger });
  try {
    const { db } = f.runtime.store;
    const groups = [await f.sandbox.addGroup('Fuzz Lounge'), await f.sandbox.addGroup('<b>Second</b> room')];
    const errors: Error[] = [];
    const app = createApp({ runtime: f.runtime, clock: f.clock.now, sandbox: (ws) => new SandboxService(f.runtime, ws, f.clock), logError: (e) => errors.push(e) });
    const owner = await addOperator(db, { email: 'fuzz-owner@fuzz.test', workspaceId: f.workspace.id, role: 'owner' }, f.clock.t);
    const client: ApiClient = await sessionFor(app, db, owner.id, f.clock.t);
    const session = client.credentials as { cookie: string; csrf: string };
    const tables = await tableNames(db);
    const failures = new Failures(`sandbox on ${backend.name}`);
    const bodies: Record<'say' | 'join' | 'leave', Record<string, unknown>> = {
      say: { member: 'ann', text: 'what are the group rules?' },
      join: { member: 'bo', code: 'SPRING-24' },
      leave: { member: 'ann' },
    };
    let accepted = 0;

    for (let i = 0; i < cases && !failures.full; i++) {
      const rng = Rng.from(SEED, 2, i);
      const log: MutationLog = [];
      const verb = rng.pick(['say', 'join', 'leave'] as const);
      let groupRef: string = String(rng.pick(groups).id);
      if (rng.chance(0.05)) {
        groupRef = rng.pick(['0', '-1', 'abc', '1.5', '1e3', '99999999999999999999', '%20', 'null', String(groups[1]!.id + 50)]);
        log.push(`group ${groupRef}`);
      }
      const mode = rng.float();
      let body: string | Uint8Array;
      const regression = SANDBOX_REGRESSIONS[i];
      if (regression) {
        log.push(`regression: ${regression.what}`);
        body = JSON.stringify({ ...bodies[verb], ...regression.body });
      } else if (mode < 0.7) body = JSON.stringify(mutateJson(rng, bodies[verb], log));
      else if (mode < 0.85) body = corruptText(rng, JSON.stringify(bodies[verb]), log);
      else if (mode < 0.9) {
        log.push('body > 1 MB');
        body = JSON.stringify({ ...bodies[verb], text: 'x'.repeat(1024 * 1024 + 10) });
      } else {
        log.push('unmutated');
        body = JSON.stringify({ ...bodies[verb], member: rng.pick(['ann', 'bo', 'cy', '<img src=x onerror=alert(1)>', '名字', '\u202eevil']) });
      }
      log.unshift(verb);

      trace('sandbox', i, log);
      const before = await rowCounts(db, tables);
      const logCount = lines.length;
      const errorCount = errors.length;
      let res: Response;
      try {
        res = await bounded(async () =>
          app.request(`/api/sandbox/groups/${groupRef}/${verb}`, {
            method: 'POST',
            body: body as BodyInit,
            headers: { 'content-type': 'application/json', cookie: `hearth_session=${session.cookie}`, 'x-csrf-token': session.csrf },
          }),
        );
      } catch (error) {
        failures.add(i, log, `threw ${String(error)}`);
        continue;
      }
      const text = await res.text();
      let answer: { error?: unknown; actions?: unknown } | undefined;
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        answer = undefined;
      }
      if (res.status >= 500 || errors.length > errorCount) {
        failures.add(
          i,
          log,
          `${res.status} ${text} ${errors
            .slice(errorCount)
            .map((e) => e.stack ?? e.message)
            .join(' | ')}`,
        );
        continue;
      }
      if (!answer) {
        failures.add(i, log, `${res.status} answer is not JSON: ${text}`);
        continue;
      }
      if (res.status >= 400) {
        if (typeof answer.error !== 'string' || answer.error.length < 5) failures.add(i, log, `${res.status} without a named reason: ${text}`);
        const changed = changedTables(before, await rowCounts(db, tables));
        if (changed.length) failures.add(i, log, `refused (${res.status}) but stored: ${changed.join(', ')}`);
      } else {
        accepted++;
        if (!Array.isArray(answer.actions)) failures.add(i, log, `${res.status} ${text}`);
      }
      const logged = lines.slice(logCount);
      if (logged.length) failures.add(i, log, `runtime logged: ${JSON.stringify(logged[0])}`);
    }
    return { failures: failures.list, accepted };
  } finally {
    await f.runtime.close();
    await made.cleanup();
  }
}

// ---------------------------------------------------------------------------
// History importers

/** Files that once found a bug, run first on every run. */
const IMPORT_REGRESSIONS: { format: ImportFormat; what: string; make: (seed: string) => string }[] = [
  {
    format: 'telegram-html',
    what: 'a megabyte of spaces inside an entry (a \\s+$ regex backtracked for hours)',
    make: (t) => t.replace('Bob joined group', `Bob ${' '.repeat(1_200_000)}joined group`),
  },
  {
    format: 'telegram-html',
    what: '300,000 unclosed tags (every tag walked the whole stack: quadratic)',
    make: (t) => t.replace('<div class="history">', `<div class="history">${'<b>'.repeat(300_000)}`),
  },
  { format: 'telegram-json', what: 'a date_unixtime past the year 9999 (was a RangeError)', make: (t) => t.replace('"date_unixtime": "1704189600"', '"date_unixtime": 1e300') },
  { format: 'discord-json', what: 'a 300,000-character message id (the error quoted all of it)', make: (t) => t.replace('"id": "1002"', `"id": "${'9'.repeat(300_000)}"`) },
  { format: 'discord-csv', what: 'a megabyte-long header cell (the error quoted all of it)', make: (t) => t.replace('Content', `Content${'a'.repeat(1_000_000)}`) },
];

/** ImportErrors that concern the whole file, where there is no entry to name. */
const FILE_LEVEL = /empty|no such file|not a .*export|header|not valid UTF-8|ends inside a UTF-8|changed while/i;

async function fuzzImporters(backend: TestBackend, perFormat: number): Promise<{ failures: string[]; imported: Record<string, number>; refused: Record<string, number> }> {
  const made = backend.create();
  const runtime = await HearthRuntime.open(made.target);
  const tmp = mkdtempSync(join(tmpdir(), 'hearth-fuzz-import-'));
  try {
    const { db } = runtime.store;
    const workspaceId = (await ensureWorkspace(db, 'fuzz-import')).id;
    const tables = await tableNames(db);
    const seeds = importSeeds();
    const failures = new Failures(`importers on ${backend.name}`);
    const imported: Record<string, number> = {};
    const refused: Record<string, number> = {};

    // The seeds themselves are valid: a corruption that fails is the corruption's doing.
    for (const format of IMPORT_FORMATS) {
      const dir = join(tmp, `seed-${format}`);
      rmSync(dir, { recursive: true, force: true });
      const file = join(mkdtempSync(join(tmp, 'seed-')), seeds[format].name);
      writeFileSync(file, seeds[format].text);
      const summary = await importHistory(runtime, format, [file], { workspaceId });
      if (summary.stored === 0) throw new Error(`the ${format} seed imported nothing: ${JSON.stringify(summary)}`);
    }

    for (let i = 0; i < perFormat * IMPORT_FORMATS.length && !failures.full; i++) {
      const rng = Rng.from(SEED, 3, i);
      const format = IMPORT_FORMATS[i % IMPORT_FORMATS.length]!;
      const seed = seeds[format];
      const log: MutationLog = [format];
      const regression = IMPORT_REGRESSIONS.filter((r) => r.format === format)[Math.floor(i / IMPORT_FORMATS.length)];
      if (regression) {
        log.push(`regression: ${regression.what}`);
        if (regression.make(seed.text) === seed.text) failures.add(i, log, 'the regression no longer changes the seed: update it');
      }
      const bytes = regression
        ? Buffer.from(regression.make(seed.text), 'utf8')
        : seed.json !== undefined && rng.chance(0.4)
          ? Buffer.from(JSON.stringify(mutateJson(rng, seed.json, log), null, rng.chance(0.5) ? 1 : undefined))
          : corruptBytes(rng, Buffer.from(seed.text, 'utf8'), log);
      const dir = mkdtempSync(join(tmp, 'case-'));
      const file = join(dir, seed.name);
      writeFileSync(file, bytes);

      trace('importer', i, log);
      const before = await rowCounts(db, tables);
      try {
        await bounded(() => importHistory(runtime, format, [file], { workspaceId }));
        imported[format] = (imported[format] ?? 0) + 1;
      } catch (error) {
        refused[format] = (refused[format] ?? 0) + 1;
        if (!(error instanceof ImportError)) failures.add(i, log, `not an ImportError: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        else {
          if (error.file !== file || !error.message.includes(basename(file))) failures.add(i, log, `does not name the file: ${error.message}`);
          if (error.entry === null && !FILE_LEVEL.test(error.reason)) failures.add(i, log, `names no entry: ${error.message}`);
          if (error.reason.length < 5 || error.message.length > 2000) failures.add(i, log, `reason unhelpful or unbounded (${error.message.length} chars): ${error.message.slice(0, 300)}`);
        }
        const changed = changedTables(before, await rowCounts(db, tables));
        if (changed.length) failures.add(i, log, `failed but stored: ${changed.join(', ')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return { failures: failures.list, imported, refused };
  } finally {
    await runtime.close();
    await made.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `HEARTH_FUZZ_SCALE=10` runs ten times the cases (a longer hunt); 0.1 a tenth. */
const SCALE = Number(process.env.HEARTH_FUZZ_SCALE ?? '1') || 1;

describe.each(backends)('fuzz on $name', (backend) => {
  const n = Object.fromEntries(Object.entries(CASES[backend.name]).map(([k, v]) => [k, Math.max(1, Math.round(v * SCALE))])) as (typeof CASES)['sqlite'];

  it(`the telegram webhook: ${n.webhook} malformed, oversized and hostile updates → 2xx or a named 4xx, nothing partial stored`, { timeout: 120_000 }, async () => {
    const { failures, stored } = await fuzzWebhook(backend, n.webhook);
    expect(failures).toEqual([]);
    // Some mutated updates are still valid, and those are stored: the run reached the store.
    expect(stored).toBeGreaterThan(0);
  });

  it(`the sandbox API: ${n.sandbox} malformed say/join/leave calls → 2xx or a named 4xx, nothing partial stored`, { timeout: 120_000 }, async () => {
    const { failures, accepted } = await fuzzSandbox(backend, n.sandbox);
    expect(failures).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
  });

  it(`every importer: ${n.importer} corrupted files per format → imported, or an ImportError naming file and entry with the database unchanged`, { timeout: 120_000 }, async () => {
    const { failures, refused } = await fuzzImporters(backend, n.importer);
    expect(failures).toEqual([]);
    for (const format of IMPORT_FORMATS) expect(refused[format] ?? 0, format).toBeGreaterThan(0);
  });
});
