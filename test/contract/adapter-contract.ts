import { afterEach, describe, expect, it } from 'vitest';
import type { ActionInput, ActionType } from '../../src/core/action.js';
import { actionSchema } from '../../src/core/action.js';
import { capabilityFor } from '../../src/core/capabilities.js';
import { parseEvent, type EventKind } from '../../src/core/event.js';
import { ConnectionSettingsError, validateConnectionSettings } from '../../src/connections/platform-connections.js';
import { InvalidPayloadError, PlatformError } from '../../src/platforms/platform-adapter.js';
import type { PlatformConnection, PlatformModule } from '../../src/platforms/platform-module.js';
import { HearthRuntime } from '../../src/runtime/hearth-runtime.js';
import { ensureGroup } from '../../src/store/groups.js';
import { ensureWorkspace } from '../../src/store/workspaces.js';
import { backends } from '../helpers/backends.js';

/** A payload of the platform's own shape and the Event kind it must become. */
export interface PayloadSample {
  kind: EventKind;
  payload: unknown;
  /** Fields the normalized event must have (toMatchObject). */
  expect?: Record<string, unknown>;
}

/** One call the fake platform received. */
export interface SentCall {
  /** The action type it performed: send_message, delete_message, mute_member… */
  type: ActionType;
  /** The platform group it went to. */
  groupExternalId: string;
  /** The message text, where there is one. */
  text?: string;
}

/** A platform connection opened on a fake of its platform, for the contract suite. */
export interface ConnectionUnderTest {
  connection: PlatformConnection;
  /** A group and a member the fake platform knows. */
  group: { externalId: string; name: string };
  member: { externalId: string; name: string };
  samples: PayloadSample[];
  /** Payloads the normalizer must refuse, each with a word the error must contain. */
  malformed: { payload: unknown; mentions: string }[];
  /** Every call the fake platform received so far, in order. */
  sent(): Promise<SentCall[]>;
  /** Makes the platform refuse its next sends: rate-limited with retry-after, or forbidden. */
  refuseNext(count: number, refusal: { retryable: boolean; retryAfterMs?: number }): void;
  close(): Promise<void>;
}

/** How the contract suite runs one platform: a fake of it, and settings an operator could store for it. */
export interface PlatformFixture {
  /** What the fake is (named in the suite's title). */
  name: string;
  /** Builds a fresh connection (through the module, wherever the fake allows) on a fresh fake platform. `clock` is the test's clock. */
  setup(clock: () => number): Promise<ConnectionUnderTest>;
  /** Settings its schema accepts (a platform with no settings, like the sandbox, has none). */
  validSettings?: Record<string, unknown>;
}

const REQUIRED_KINDS: EventKind[] = ['message', 'member.joined', 'member.left'];
const T0 = Date.parse('2026-06-01T10:00:00Z');
/** The actions a platform may carry out; which it does follows from its declared capabilities. */
const PLATFORM_ACTIONS: ActionType[] = ['send_message', 'delete_message', 'mute_member', 'remove_member', 'ban_member'];

/**
 * The one contract every platform module passes (the sandbox included, and any
 * platform registered at run time): its connection turns its payloads into valid
 * Events with stable dedup keys, refuses malformed ones with a clear error, performs
 * each action its capabilities declare and refuses — never silently drops — the ones
 * they do not, and, driven by the real dispatcher, stays within its rate limits and
 * retries what the platform refuses. Its settings are checked by its own schema.
 */
export function runPlatformContract(module: PlatformModule, fixture: PlatformFixture): void {
  describe(`platform contract: ${module.platform} (${fixture.name})`, () => {
    let clockNow = T0;
    const clock = () => clockNow;
    const open: ConnectionUnderTest[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      while (open.length) await open.pop()!.close();
      while (cleanups.length) await cleanups.pop()!();
      clockNow = T0;
    });
    async function setup() {
      const subject = await fixture.setup(clock);
      open.push(subject);
      return subject;
    }
    const supported = (subject: ConnectionUnderTest) => PLATFORM_ACTIONS.filter((type) => subject.connection.capabilities.has(capabilityFor({ type } as never)!));

    /** A runtime on SQLite whose dispatcher sends through the connection under test. */
    async function pipeline(subject: ConnectionUnderTest) {
      const made = backends[0]!.create();
      const runtime = await HearthRuntime.open(made.target, { clock, dispatcher: { backoffBaseMs: 1_000 } });
      cleanups.push(made.cleanup, () => runtime.close());
      const platform = subject.connection.platform;
      runtime.adapters.set(platform, subject.connection);
      const ws = await ensureWorkspace(runtime.store.db, 'contract');
      const group = await ensureGroup(runtime.store.db, { workspaceId: ws.id, platform, externalId: subject.group.externalId, name: subject.group.name });
      const results = await runtime.ingest(
        [
          {
            platform,
            kind: 'member.joined',
            dedupKey: 'contract-join',
            occurredAt: new Date(T0).toISOString(),
            group: { id: subject.group.externalId },
            member: { id: subject.member.externalId, name: subject.member.name },
          },
        ],
        { workspaceId: ws.id, automations: false },
      );
      expect(results[0]!.status).toBe('stored');
      const member = await runtime.store.db.selectFrom('identity').select('member_id').where('external_id', '=', subject.member.externalId).executeTakeFirstOrThrow();
      let n = 0;
      const enqueue = async (action: ActionInput) => {
        const parsed = actionSchema.parse(action);
        await runtime.store.db
          .insertInto('outbox')
          .values({
            workspace_id: ws.id,
            group_id: group.id,
            platform: group.platform,
            idempotency_key: `contract-${n++}`,
            action: JSON.stringify(parsed),
            status: 'pending',
            attempts: 0,
            next_attempt_at: clockNow,
            created_at: clockNow,
          })
          .execute();
      };
      return { runtime, groupId: group.id, memberId: member.member_id, enqueue };
    }

    it("is the module it says: its connection names the platform and declares the module's capabilities; settings go through its schema", async () => {
      const subject = await setup();
      expect(subject.connection.platform).toBe(module.platform);
      expect([...subject.connection.capabilities].sort()).toEqual([...module.capabilities].sort());
      expect(module.capabilities.has('send'), 'every platform can at least send').toBe(true);
      if (module.settingsSchema === null) {
        expect(() => validateConnectionSettings(module.platform, {})).toThrow(ConnectionSettingsError);
      } else {
        expect(fixture.validSettings, 'a connectable platform gives settings its schema accepts').toBeDefined();
        expect(validateConnectionSettings(module.platform, fixture.validSettings)).toEqual(fixture.validSettings);
        expect(() => validateConnectionSettings(module.platform, { unexpected: 'x'.repeat(40) })).toThrow(ConnectionSettingsError);
      }
    });

    it('normalizes each kind of payload into a valid Event with a stable dedup key', async () => {
      const subject = await setup();
      const kinds = new Set(subject.samples.map((s) => s.kind));
      for (const kind of REQUIRED_KINDS) expect(kinds, `a ${kind} sample`).toContain(kind);
      const keys = new Set<string>();
      for (const sample of subject.samples) {
        const events = subject.connection.normalize(sample.payload).map(parseEvent);
        expect(
          events.map((e) => e.kind),
          JSON.stringify(sample.payload).slice(0, 200),
        ).toContain(sample.kind);
        const event = events.find((e) => e.kind === sample.kind)!;
        expect(event.platform).toBe(module.platform);
        if (sample.expect) expect(event).toMatchObject(sample.expect);
        const again = subject.connection.normalize(structuredClone(sample.payload)).map(parseEvent);
        expect(again.map((e) => e.dedupKey)).toEqual(events.map((e) => e.dedupKey));
        for (const e of events) keys.add(e.dedupKey);
      }
      expect(keys.size, 'distinct payloads have distinct dedup keys').toBeGreaterThanOrEqual(new Set(subject.samples.map((s) => JSON.stringify(s.payload))).size);
    });

    it('refuses malformed payloads with an error naming what is wrong', async () => {
      const subject = await setup();
      expect(subject.malformed.length).toBeGreaterThan(0);
      for (const { payload, mentions } of subject.malformed) {
        let error: unknown;
        try {
          subject.connection.normalize(payload);
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(payload)?.slice(0, 200)).toBeInstanceOf(InvalidPayloadError);
        expect((error as Error).message).toContain(mentions);
      }
    });

    it('performs every action its capabilities declare, and refuses the others for good', async () => {
      const subject = await setup();
      const wanted = supported(subject);
      expect(wanted).toContain('send_message');
      const { runtime, groupId, memberId, enqueue } = await pipeline(subject);
      const all: Record<ActionType, ActionInput> = {
        send_message: { type: 'send_message', groupId, text: 'Contract hello', mentions: [memberId] },
        delete_message: { type: 'delete_message', groupId, messageId: '42' },
        mute_member: { type: 'mute_member', groupId, memberId, seconds: 600 },
        remove_member: { type: 'remove_member', groupId, memberId },
        ban_member: { type: 'ban_member', groupId, memberId },
        unmute_member: { type: 'unmute_member', groupId, memberId },
        unban_member: { type: 'unban_member', groupId, memberId },
        alert_operator: { type: 'alert_operator', groupId, severity: 'info', text: 'internal' },
        create_invite_link: { type: 'create_invite_link', groupId, name: 'contract' },
      };
      for (const type of wanted) {
        await enqueue(all[type]);
        clockNow += 60_000;
        const report = await runtime.dispatcher.runDue();
        expect(report.dispatched.map((d) => [d.action.type, d.status, d.error])).toEqual([[type, 'done', undefined]]);
      }
      const sent = await subject.sent();
      expect(sent.map((s) => s.type)).toEqual(wanted);
      expect(sent.every((s) => s.groupExternalId === subject.group.externalId)).toBe(true);
      expect(sent[0]!.text).toContain('Contract hello');
      for (const type of PLATFORM_ACTIONS.filter((t) => !wanted.includes(t))) {
        const refused = await subject.connection
          .send({ idempotencyKey: `unsupported-${type}`, action: actionSchema.parse(all[type]), group: { id: groupId, ...subject.group }, members: new Map([[memberId, subject.member]]) })
          .catch((e: unknown) => e);
        expect(refused, type).toBeInstanceOf(PlatformError);
        expect((refused as PlatformError).retryable, type).toBe(false);
      }
      expect((await subject.sent()).length).toBe(sent.length);
    });

    it('never sends faster than its rate limits allow', async () => {
      const subject = await setup();
      const limits = subject.connection.rateLimits;
      expect(limits.length).toBeGreaterThan(0);
      const { runtime, groupId, enqueue } = await pipeline(subject);
      const tightest = Math.min(...limits.filter((l) => l.scope === 'group').map((l) => l.limit), 50);
      const total = tightest * 2 + 3;
      for (let i = 0; i < total; i++) await enqueue({ type: 'send_message', groupId, text: `burst ${i}` });
      const times: number[] = [];
      for (let guard = 0; times.length < total && guard < 10_000; guard++) {
        const report = await runtime.dispatcher.runDue();
        for (const d of report.dispatched) if (d.status === 'done') times.push(clockNow);
        if (report.nextWakeAt === null) break;
        clockNow = Math.max(clockNow + 1, report.nextWakeAt);
      }
      expect(times).toHaveLength(total);
      for (const limit of limits) {
        for (let i = limit.limit; i < times.length; i++) expect(times[i]! - times[i - limit.limit]!, `${limit.limit} per ${limit.windowMs} ms`).toBeGreaterThanOrEqual(limit.windowMs);
      }
      const texts = (await subject.sent()).map((s) => s.text);
      expect(texts).toEqual(Array.from({ length: total }, (_, i) => expect.stringContaining(`burst ${i}`)));
    });

    it('retries what the platform refuses after its retry-after, sending it once', async () => {
      const subject = await setup();
      const { runtime, groupId, enqueue } = await pipeline(subject);
      subject.refuseNext(1, { retryable: true, retryAfterMs: 5_000 });
      await enqueue({ type: 'send_message', groupId, text: 'Persistent hello' });
      expect((await runtime.dispatcher.runDue()).dispatched.map((d) => d.status)).toEqual(['retry']);
      clockNow += 4_000;
      expect((await runtime.dispatcher.runDue()).dispatched).toEqual([]);
      clockNow += 1_000;
      expect((await runtime.dispatcher.runDue()).dispatched.map((d) => d.status)).toEqual(['done']);
      expect((await subject.sent()).filter((s) => s.text?.includes('Persistent hello'))).toHaveLength(1);
    });
  });
}
