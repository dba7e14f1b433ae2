import { describe, expect, it } from 'vitest';
import { sandboxPayloadSchema, type SandboxPayload } from '../src/platforms/sandbox/sandbox-payload.js';
import { createCommunity, type SimulatedGroup } from '../src/simulator/community-simulator.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.UTC(2025, 2, 3); // a Monday
const END = START + 45 * DAY;

type Message = Extract<SandboxPayload, { type: 'message' }>;
type Join = Extract<SandboxPayload, { type: 'join' }>;

const community = createCommunity({ seed: 42, start: START });
const history = community.payloadsBetween(START, END);
const groups = community.groups;

function inRoom(room: string): SandboxPayload[] {
  return history.filter((p) => p.room === room);
}
function messagesOf(payloads: readonly SandboxPayload[]): Message[] {
  return payloads.filter((p): p is Message => p.type === 'message');
}
function joinsOf(payloads: readonly SandboxPayload[]): Join[] {
  return payloads.filter((p): p is Join => p.type === 'join');
}
function groupsWith(health: SimulatedGroup['health']): SimulatedGroup[] {
  return groups.filter((g) => g.health === health);
}
function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}
function countBetween(messages: readonly Message[], from: number, to: number): number {
  return messages.filter((m) => m.at >= from && m.at < to).length;
}

// Accounts that join and post a link within minutes: the spam pattern.
function spamMessages(payloads: readonly SandboxPayload[]): Message[] {
  const joinedAt = new Map<string, number>();
  const spam: Message[] = [];
  for (const p of payloads) {
    if (p.type === 'join') joinedAt.set(`${p.room}/${p.member.id}`, p.at);
    if (p.type === 'message' && /https?:\/\//.test(p.text)) {
      const joined = joinedAt.get(`${p.room}/${p.from.id}`);
      if (joined !== undefined && p.at - joined <= 15 * MINUTE) spam.push(p);
    }
  }
  return spam;
}

// Independent of the simulator's own time-zone code on purpose.
const offsetCache = new Map<string, number>();
function localClock(zone: string, at: number): { hour: number; weekday: number } {
  const key = `${zone}/${Math.floor(at / HOUR)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    const hourStart = Math.floor(at / HOUR) * HOUR;
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric' }).formatToParts(hourStart);
    const n = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
    offset = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour')) - hourStart;
    offsetCache.set(key, offset);
  }
  const local = new Date(at + offset);
  return { hour: local.getUTCHours(), weekday: local.getUTCDay() };
}

describe('community shape', () => {
  it('has six groups of every type with the demo health spread by default', () => {
    expect(groups).toHaveLength(6);
    expect(new Set(groups.map((g) => g.room)).size).toBe(6);
    expect(new Set(groups.map((g) => g.type))).toEqual(new Set(['interest', 'resource', 'consultant', 'industry', 'product', 'knowledge']));
    expect(groupsWith('healthy').length).toBeGreaterThanOrEqual(2);
    for (const health of ['steady', 'declining', 'dying', 'new'] as const) expect(groupsWith(health).length).toBeGreaterThanOrEqual(1);
  });

  it('names groups in Chinese and English and places them in real time zones', () => {
    expect(groups.some((g) => /\p{Script=Han}/u.test(g.title))).toBe(true);
    expect(groups.some((g) => /^[\x20-\x7e’&#]+$/.test(g.title))).toBe(true);
    for (const g of groups) {
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: g.timezone })).not.toThrow();
      expect(g.theme.length).toBeGreaterThan(0);
      expect(g.audience.length).toBeGreaterThan(0);
    }
  });

  it('creates groups within 40 days of start, the new one last', () => {
    for (const g of groups) {
      expect(g.createdAt).toBeGreaterThanOrEqual(START);
      expect(g.createdAt).toBeLessThanOrEqual(START + 40 * DAY);
    }
    const fresh = only(groupsWith('new'));
    expect(fresh.createdAt).toBe(Math.max(...groups.map((g) => g.createdAt)));
    expect(fresh.createdAt).toBeGreaterThan(START + 25 * DAY);
  });

  it('cycles types and health for large communities and extends the small one', () => {
    const big = createCommunity({ seed: 42, start: START, groups: 60 });
    expect(big.groups).toHaveLength(60);
    expect(new Set(big.groups.map((g) => g.room)).size).toBe(60);
    expect(big.groups.slice(0, 6)).toEqual(groups);
    const pairs = new Set(big.groups.map((g) => `${g.type}/${g.health}`));
    expect(pairs.size).toBeGreaterThanOrEqual(24);
    for (const health of ['healthy', 'steady', 'declining', 'dying', 'new'] as const) {
      expect(big.groups.filter((g) => g.health === health).length).toBeGreaterThanOrEqual(10);
    }
    const day = big.payloadsBetween(START + 20 * DAY, START + 21 * DAY);
    expect(new Set(day.map((p) => p.room)).size).toBeGreaterThan(40);
  });

  it('rejects nonsense options', () => {
    expect(() => createCommunity({ seed: 1, start: START, groups: 0 })).toThrow(RangeError);
    expect(() => createCommunity({ seed: 1, start: -5 })).toThrow(RangeError);
    expect(() => createCommunity({ seed: 1, start: START, intensity: -1 })).toThrow(RangeError);
  });
});

describe('determinism and windows', () => {
  it('gives identical output for the same seed and different output for another', () => {
    const from = START + 12 * DAY;
    const to = from + 2 * DAY;
    const again = createCommunity({ seed: 42, start: START }).payloadsBetween(from, to);
    expect(again).toEqual(community.payloadsBetween(from, to));
    expect(again.length).toBeGreaterThan(100);
    const other = createCommunity({ seed: 43, start: START });
    expect(other.groups).not.toEqual(groups);
    expect(other.payloadsBetween(from, to)).not.toEqual(again);
  });

  it('is window-additive over odd boundaries', () => {
    const from = START + 9 * DAY + 1_234_567;
    const to = from + 3 * DAY + 7_777;
    const whole = community.payloadsBetween(from, to);
    const steps = [7_001, 13 * MINUTE + 3, 2.5 * HOUR, 1, DAY - 11, 59 * MINUTE];
    const pieces: SandboxPayload[] = [];
    for (let at = from, i = 0; at < to; i++) {
      const next = Math.min(to, at + (steps[i % steps.length] as number));
      pieces.push(...community.payloadsBetween(at, next));
      at = next;
    }
    expect(pieces).toEqual(whole);
    expect(whole.length).toBeGreaterThan(500);
  });

  it('does not depend on which windows were generated before (a restart)', () => {
    const from = START + 30 * DAY + 4321;
    const fresh = createCommunity({ seed: 42, start: START });
    // Late window first, as a server resuming live activity after a restart would.
    const late = fresh.payloadsBetween(from + DAY, from + DAY + 5 * 60_000);
    const early = fresh.payloadsBetween(from, from + DAY);
    expect([...early, ...late]).toEqual(community.payloadsBetween(from, from + DAY + 5 * 60_000));
  });

  it('returns nothing for empty or reversed windows', () => {
    expect(community.payloadsBetween(START + DAY, START + DAY)).toEqual([]);
    expect(community.payloadsBetween(START + 2 * DAY, START + DAY)).toEqual([]);
  });
});

describe('wire format and ids', () => {
  it('emits only valid sandbox payloads, sorted by time, inside the window', () => {
    for (const p of history) {
      const parsed = sandboxPayloadSchema.safeParse(p);
      if (!parsed.success) throw new Error(`invalid payload ${JSON.stringify(p)}: ${parsed.error.message}`);
    }
    for (let i = 1; i < history.length; i++) expect((history[i] as SandboxPayload).at >= (history[i - 1] as SandboxPayload).at).toBe(true);
    expect(history[0]!.at).toBeGreaterThanOrEqual(START);
    expect(history[history.length - 1]!.at).toBeLessThan(END);
    expect(history.length).toBeGreaterThan(20_000);
  });

  it('keeps updateIds unique in the community and messageIds unique per room', () => {
    expect(new Set(history.map((p) => p.updateId)).size).toBe(history.length);
    for (const g of groups) {
      const ids = messagesOf(inRoom(g.room)).map((m) => m.messageId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('keeps person ids stable: names change only through rename payloads', () => {
    const names = new Map<string, string>();
    let renames = 0;
    for (const p of history) {
      const key = (id: string): string => `${p.room}/${id}`;
      if (p.type === 'join') names.set(key(p.member.id), p.member.name);
      if (p.type === 'rename') {
        expect(p.oldName).toBe(names.get(key(p.member.id)));
        names.set(key(p.member.id), p.member.name);
        renames++;
      }
      if (p.type === 'message' || p.type === 'reaction') expect(p.from.name).toBe(names.get(key(p.from.id)));
    }
    expect(renames).toBeGreaterThan(0);
  });

  it('has a few people in several groups under one id and name', () => {
    const seen = new Map<string, { rooms: Set<string>; names: Set<string> }>();
    for (const j of joinsOf(history)) {
      const entry = seen.get(j.member.id) ?? { rooms: new Set(), names: new Set() };
      entry.rooms.add(j.room);
      entry.names.add(j.member.name);
      seen.set(j.member.id, entry);
    }
    const shared = [...seen.values()].filter((e) => e.rooms.size > 1);
    expect(shared.length).toBeGreaterThanOrEqual(2);
    for (const e of shared) expect(e.names.size).toBe(1);
  });
});

describe('activity patterns', () => {
  it('has a heavy tail: in healthy groups the top 20% of senders send most messages', () => {
    for (const g of groupsWith('healthy')) {
      const counts = new Map<string, number>();
      const messages = messagesOf(inRoom(g.room));
      for (const m of messages) counts.set(m.from.id, (counts.get(m.from.id) ?? 0) + 1);
      const sorted = [...counts.values()].sort((a, b) => b - a);
      const top = sorted.slice(0, Math.ceil(sorted.length * 0.2)).reduce((sum, n) => sum + n, 0);
      expect(top / messages.length).toBeGreaterThan(0.5);
      expect(sorted.length).toBeGreaterThan(50);
    }
  });

  it('follows each group’s local day: evenings busy, small hours near silent', () => {
    for (const g of [...groupsWith('healthy'), ...groupsWith('steady')]) {
      const byHour = new Array<number>(24).fill(0);
      for (const m of messagesOf(inRoom(g.room))) byHour[localClock(g.timezone, m.at).hour]!++;
      const evening = (byHour[20]! + byHour[21]! + byHour[22]!) / 3;
      const night = (byHour[2]! + byHour[3]! + byHour[4]! + byHour[5]!) / 4;
      const noon = byHour[12]!;
      expect(evening).toBeGreaterThan(8 * night);
      expect(noon).toBeGreaterThan(4 * night);
    }
  });

  it('starts weekends later: a smaller share of weekend messages falls in the early morning', () => {
    const early = { weekend: 0, weekday: 0 };
    const total = { weekend: 0, weekday: 0 };
    for (const g of [...groupsWith('healthy'), ...groupsWith('steady')]) {
      for (const m of messagesOf(inRoom(g.room))) {
        const { hour, weekday } = localClock(g.timezone, m.at);
        const kind = weekday === 0 || weekday === 6 ? 'weekend' : 'weekday';
        total[kind]++;
        if (hour >= 7 && hour < 10) early[kind]++;
      }
    }
    expect(early.weekday / total.weekday).toBeGreaterThan(1.4 * (early.weekend / total.weekend));
  });

  it('keeps healthy groups lively at a realistic volume and scales with intensity', () => {
    for (const g of groupsWith('healthy')) {
      const messages = messagesOf(inRoom(g.room));
      const perDay = messages.length / ((END - g.createdAt) / DAY);
      expect(perDay).toBeGreaterThan(150);
      expect(perDay).toBeLessThan(900);
      const firstWeek = countBetween(messages, g.createdAt, g.createdAt + 7 * DAY);
      expect(countBetween(messages, END - 7 * DAY, END)).toBeGreaterThan(0.5 * firstWeek);
    }
    const from = START + 15 * DAY;
    const base = messagesOf(community.payloadsBetween(from, from + 3 * DAY)).length;
    const doubled = messagesOf(createCommunity({ seed: 42, start: START, intensity: 2 }).payloadsBetween(from, from + 3 * DAY)).length;
    expect(doubled / base).toBeGreaterThan(1.6);
    expect(doubled / base).toBeLessThan(2.4);
  });

  it('lets a dying group decay to near silence while a new one grows', () => {
    const dying = only(groupsWith('dying'));
    const dyingMessages = messagesOf(inRoom(dying.room));
    const firstWeek = countBetween(dyingMessages, dying.createdAt, dying.createdAt + 7 * DAY);
    const lastWeek = countBetween(dyingMessages, END - 7 * DAY, END);
    expect(lastWeek).toBeLessThan(0.1 * firstWeek);
    const healthyVolume = messagesOf(inRoom(groupsWith('healthy')[0]!.room)).length;
    expect(dyingMessages.length).toBeLessThan(0.25 * healthyVolume);

    const fresh = only(groupsWith('new'));
    const freshPayloads = inRoom(fresh.room);
    const freshMessages = messagesOf(freshPayloads);
    expect(countBetween(freshMessages, END - 3 * DAY, END)).toBeGreaterThan(1.5 * countBetween(freshMessages, fresh.createdAt, fresh.createdAt + 3 * DAY));
    const founders = joinsOf(freshPayloads).filter((j) => j.at === fresh.createdAt).length;
    expect(joinsOf(freshPayloads).length).toBeGreaterThan(3 * founders);
  });

  it('has silent days in unhealthy groups and hardly any in healthy ones', () => {
    const silentDays = (g: SimulatedGroup): number => {
      const active = new Set(messagesOf(inRoom(g.room)).map((m) => Math.floor((m.at - g.createdAt) / DAY)));
      let silent = 0;
      for (let day = 0; day < Math.floor((END - g.createdAt) / DAY); day++) if (!active.has(day)) silent++;
      return silent;
    };
    expect(silentDays(only(groupsWith('dying')))).toBeGreaterThanOrEqual(5);
    for (const g of groupsWith('healthy')) expect(silentDays(g)).toBeLessThanOrEqual(2);
  });
});

describe('membership', () => {
  it('brings members in through links, invitations and codes', () => {
    const joins = joinsOf(history);
    const vias = new Set(joins.map((j) => j.via));
    expect(vias).toEqual(new Set([undefined, 'link', 'invite', 'code']));
    const linkCodes = new Set(joins.filter((j) => j.via === 'link').map((j) => j.code));
    expect(linkCodes.size).toBeGreaterThanOrEqual(5);
    expect([...linkCodes].some((c) => c?.startsWith('poster-'))).toBe(true);
    for (const j of joins) {
      if (j.via === 'link' || j.via === 'code') expect(j.code).toBeTruthy();
      if (j.via === 'invite') expect(j.inviter).toBeDefined();
    }
  });

  it('has founders join at creation and inviters who are members at the time', () => {
    for (const g of groups) {
      const founders = joinsOf(inRoom(g.room)).filter((j) => j.at === g.createdAt);
      expect(founders.length).toBeGreaterThanOrEqual(5);
      expect(founders[0]!.via).toBeUndefined();
    }
    const present = new Set<string>();
    let invites = 0;
    for (const p of history) {
      if (p.type === 'join') {
        if (p.inviter) {
          expect(present.has(`${p.room}/${p.inviter.id}`)).toBe(true);
          invites++;
        }
        present.add(`${p.room}/${p.member.id}`);
      }
      if (p.type === 'leave') present.delete(`${p.room}/${p.member.id}`);
    }
    expect(invites).toBeGreaterThan(100);
  });

  it('never lets anyone speak, react or get mentioned outside their membership', () => {
    const present = new Set<string>();
    const left = new Set<string>();
    for (const p of history) {
      const key = (id: string): string => `${p.room}/${id}`;
      switch (p.type) {
        case 'join':
          expect(present.has(key(p.member.id))).toBe(false);
          expect(left.has(key(p.member.id))).toBe(false);
          present.add(key(p.member.id));
          break;
        case 'leave':
          expect(present.has(key(p.member.id))).toBe(true);
          if (p.removedBy) expect(present.has(key(p.removedBy.id))).toBe(true);
          present.delete(key(p.member.id));
          left.add(key(p.member.id));
          break;
        case 'message':
          expect(present.has(key(p.from.id))).toBe(true);
          for (const id of p.mentions ?? []) expect(present.has(key(id))).toBe(true);
          break;
        case 'reaction':
        case 'rename':
          expect(present.has(key(p.type === 'reaction' ? p.from.id : p.member.id))).toBe(true);
          break;
      }
    }
  });

  it('loses more members in declining and dying groups, with occasional removals', () => {
    const leaveShare = (g: SimulatedGroup): number => {
      const payloads = inRoom(g.room);
      return payloads.filter((p) => p.type === 'leave' && !p.member.id.includes('-ad')).length / joinsOf(payloads).length;
    };
    for (const weak of [...groupsWith('declining'), ...groupsWith('dying')]) {
      for (const strong of groupsWith('healthy')) expect(leaveShare(weak)).toBeGreaterThan(2 * leaveShare(strong));
    }
    const removals = history.filter((p) => p.type === 'leave' && p.removedBy);
    expect(removals.length).toBeGreaterThan(5);
  });
});

describe('conversation', () => {
  it('answers questions with replies that reference earlier messages in the same room', () => {
    const seen = new Map<string, Message>();
    const answerDelays: number[] = [];
    for (const p of history) {
      if (p.type === 'message') {
        if (p.replyTo !== undefined) {
          const target = seen.get(`${p.room}/${p.replyTo}`);
          expect(target).toBeDefined();
          expect(target!.at).toBeLessThan(p.at);
          if (/[?？]$/.test(target!.text)) answerDelays.push(p.at - target!.at);
        }
        seen.set(`${p.room}/${p.messageId}`, p);
      }
      if (p.type === 'reaction') {
        const target = seen.get(`${p.room}/${p.messageId}`);
        expect(target).toBeDefined();
        expect(target!.at).toBeLessThanOrEqual(p.at);
      }
    }
    const questions = messagesOf(history).filter((m) => /[?？]$/.test(m.text));
    expect(questions.length).toBeGreaterThan(1000);
    expect(answerDelays.length).toBeGreaterThan(0.5 * questions.length);
    answerDelays.sort((a, b) => a - b);
    const median = answerDelays[Math.floor(answerDelays.length / 2)]!;
    expect(median).toBeGreaterThan(MINUTE);
    expect(median).toBeLessThan(30 * MINUTE);
    expect(answerDelays[Math.floor(answerDelays.length * 0.95)]!).toBeLessThan(2 * HOUR);
  });

  it('has answers mostly from admins or the most active members', () => {
    for (const g of groupsWith('healthy')) {
      const payloads = inRoom(g.room);
      const messages = messagesOf(payloads);
      const owner = joinsOf(payloads).find((j) => j.via === undefined)!.member.id;
      const counts = new Map<string, number>();
      for (const m of messages) counts.set(m.from.id, (counts.get(m.from.id) ?? 0) + 1);
      const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
      const active = new Set(ranked.slice(0, Math.ceil(ranked.length * 0.2)).map(([id]) => id));
      const byId = new Map(messages.map((m) => [m.messageId, m]));
      const answers = messages.filter((m) => m.replyTo && /[?？]$/.test(byId.get(m.replyTo)?.text ?? ''));
      const fromCore = answers.filter((m) => m.from.id === owner || active.has(m.from.id)).length;
      expect(fromCore / answers.length).toBeGreaterThan(0.6);
      // Admins post announcements and answer; the owner is among the top speakers.
      expect(active.has(owner)).toBe(true);
    }
  });

  it('includes mentions, reactions, media and renames', () => {
    const messages = messagesOf(history);
    expect(messages.filter((m) => m.mentions?.length).length).toBeGreaterThan(200);
    expect(history.filter((p) => p.type === 'reaction').length).toBeGreaterThan(1000);
    const media = new Set(messages.map((m) => m.media).filter(Boolean));
    for (const kind of ['photo', 'sticker', 'link', 'document']) expect(media.has(kind as Message['media'])).toBe(true);
    expect(messages.filter((m) => m.media).length / messages.length).toBeLessThan(0.3);
    expect(history.some((p) => p.type === 'rename')).toBe(true);
  });

  it('sees spam accounts join and post links within minutes, more in unhealthy groups', () => {
    const spam = spamMessages(history);
    expect(spam.length).toBeGreaterThan(10);
    const spamIn = (list: readonly SimulatedGroup[]): number => spam.filter((m) => list.some((g) => g.room === m.room)).length;
    expect(spamIn([...groupsWith('declining'), ...groupsWith('dying')])).toBeGreaterThan(spamIn(groupsWith('healthy')));
    const spammers = new Set(spam.map((m) => `${m.room}/${m.from.id}`));
    const removed = history.filter((p) => p.type === 'leave' && p.removedBy && spammers.has(`${p.room}/${p.member.id}`));
    expect(removed.length).toBeGreaterThan(0);
  });
});
