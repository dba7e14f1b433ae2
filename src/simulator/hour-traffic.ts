import type { SandboxPayload, SandboxPerson } from '../platforms/sandbox/sandbox-payload.js';
import { REACTION_EMOJI, spamUrl } from './chat-phrases.js';
import type { GroupPlan } from './group-plans.js';
import { DAY, HOUR, MINUTE, SECOND, hourShare, isWeekend, localHourOf } from './local-time.js';
import { isPresent, personAt, type Member, type MemberRoster } from './member-roster.js';
import { Rng } from './random.js';

// Everything one group does during one UTC hour: membership changes from the roster,
// then (unless the day is silent) welcomes, announcements, conversations and spam.

/**
 * How far past its hour a conversation started in that hour may run. Anything later
 * is dropped, and windows look back this far, so nothing is lost or doubled at window
 * edges.
 */
export const MAX_SPILL = 3 * HOUR;

// Roughly the average messages per conversation across the session kinds below (as
// measured); it turns "messages per day" into "conversations per hour".
const MESSAGES_PER_SESSION = 3.6;
const ANNOUNCEMENT_HOURS = [9, 10, 12, 20, 21];

type MessagePayload = Extract<SandboxPayload, { type: 'message' }>;
type Media = NonNullable<MessagePayload['media']>;
interface MessageExtras {
  media?: Media | undefined;
  replyTo?: string | undefined;
  mentions?: string[] | undefined;
}

/** Per-local-day decisions every hour of that day must agree on. */
interface DayPlan {
  silent: boolean;
  quietBefore13: boolean;
  quietAfter13: boolean;
  factor: number;
  announcementHour: number;
  announcementMinute: number;
}

function planDay(seed: number, plan: GroupPlan, localDay: number, ageDays: number): DayPlan {
  const rng = Rng.from(seed, plan.index, 0x646179, localDay);
  const profile = plan.profile;
  const silent = rng.chance(profile.silentDayChance(ageDays));
  const halfQuiet = rng.chance(0.08);
  const quietMorning = rng.chance(0.5);
  const factor = Math.exp(0.3 * rng.normal() - 0.045);
  const announces = rng.chance(profile.announcementChance(ageDays));
  const announcementHour = rng.pick(ANNOUNCEMENT_HOURS);
  return {
    silent,
    quietBefore13: halfQuiet && quietMorning,
    quietAfter13: halfQuiet && !quietMorning,
    factor,
    announcementHour: announces ? announcementHour : -1,
    announcementMinute: rng.int(0, 60),
  };
}

/** Collects one hour's payloads with ids that are unique per room and community. */
class HourWriter {
  readonly out: SandboxPayload[] = [];
  readonly #room: string;
  readonly #title: string;
  readonly #hour: number;
  readonly #limit: number;
  #seq = 0;

  constructor(room: string, title: string, hour: number) {
    this.#room = room;
    this.#title = title;
    this.#hour = hour;
    this.#limit = hour * HOUR + MAX_SPILL;
  }

  /** False once `at` is past what this hour may produce. */
  fits(at: number): boolean {
    return at < this.#limit;
  }

  #ids(): [string, string] {
    const messageId = `${this.#hour}-${this.#seq++}`;
    return [`${this.#room}:${messageId}`, messageId];
  }

  message(from: SandboxPerson, at: number, text: string, extras?: MessageExtras): string | undefined {
    if (!this.fits(at)) return undefined;
    const [updateId, messageId] = this.#ids();
    const payload: MessagePayload = { type: 'message', updateId, room: this.#room, roomTitle: this.#title, at, from, messageId, text };
    if (extras?.media) payload.media = extras.media;
    if (extras?.replyTo) payload.replyTo = extras.replyTo;
    if (extras?.mentions) payload.mentions = extras.mentions;
    this.out.push(payload);
    return messageId;
  }

  reaction(from: SandboxPerson, at: number, messageId: string, emoji: string): void {
    if (!this.fits(at)) return;
    const [updateId] = this.#ids();
    this.out.push({ type: 'reaction', updateId, room: this.#room, roomTitle: this.#title, at, from, messageId, emoji });
  }

  join(member: SandboxPerson, at: number, via?: 'link' | 'invite' | 'code', inviter?: SandboxPerson, code?: string): void {
    if (!this.fits(at)) return;
    const [updateId] = this.#ids();
    const payload: Extract<SandboxPayload, { type: 'join' }> = { type: 'join', updateId, room: this.#room, roomTitle: this.#title, at, member };
    if (via) payload.via = via;
    if (inviter) payload.inviter = inviter;
    if (code) payload.code = code;
    this.out.push(payload);
  }

  leave(member: SandboxPerson, at: number, removedBy?: SandboxPerson): void {
    if (!this.fits(at)) return;
    const [updateId] = this.#ids();
    const payload: Extract<SandboxPayload, { type: 'leave' }> = { type: 'leave', updateId, room: this.#room, roomTitle: this.#title, at, member };
    if (removedBy) payload.removedBy = removedBy;
    this.out.push(payload);
  }

  rename(member: SandboxPerson, at: number, oldName: string): void {
    if (!this.fits(at)) return;
    const [updateId] = this.#ids();
    this.out.push({ type: 'rename', updateId, room: this.#room, roomTitle: this.#title, at, member, oldName });
  }
}

/** The state one hour's conversations share. */
class HourContext {
  readonly writer: HourWriter;
  readonly plan: GroupPlan;
  readonly roster: MemberRoster;
  readonly rng: Rng;
  readonly #eligible: number;

  constructor(plan: GroupPlan, roster: MemberRoster, rng: Rng, writer: HourWriter, eligible: number) {
    this.plan = plan;
    this.roster = roster;
    this.rng = rng;
    this.writer = writer;
    this.#eligible = eligible;
  }

  speaker(at: number, exclude?: Member): Member | undefined {
    return this.roster.pick(this.rng, at, this.#eligible, exclude);
  }

  fill(template: string): string {
    const rng = this.rng;
    let text = template;
    if (text.includes('{t}')) text = text.replace('{t}', rng.pick(this.plan.topics));
    if (text.includes('{n}')) text = text.replace('{n}', String(rng.int(2, 99_999)));
    return text;
  }

  say(member: Member, at: number, text: string, extras?: MessageExtras): string | undefined {
    return this.writer.message(personAt(member, at), at, text, extras);
  }

  /** Maybe a few reactions from other members in the minutes after a message. */
  react(messageId: string, at: number, author: Member | undefined, boost = 1): void {
    const rng = this.rng;
    if (!rng.chance(this.plan.profile.reactionChance * boost)) return;
    const count = 1 + rng.poisson(0.7 * boost);
    const reactors: Member[] = [];
    let t = at;
    for (let i = 0; i < count; i++) {
      t += 5 * SECOND + Math.round(rng.exponential(4 * MINUTE));
      const who = this.speaker(t, author);
      if (!who || reactors.includes(who)) continue;
      reactors.push(who);
      this.writer.reaction(personAt(who, t), t, messageId, rng.pick(REACTION_EMOJI));
    }
  }
}

function mentionText(name: string, text: string): string {
  return `@${name} ${text}`;
}

function question(ctx: HourContext, at: number): void {
  const { rng, plan, roster } = ctx;
  const asker = ctx.speaker(at);
  if (!asker) return;
  const questionId = ctx.say(asker, at, ctx.fill(rng.pick(plan.phrases.questions)));
  if (!questionId || !rng.chance(plan.profile.answerChance)) return;
  // Most answers come within minutes; a few an hour later when someone catches up.
  let t = at + 20 * SECOND + Math.round(Math.min(rng.exponential(9 * MINUTE), 55 * MINUTE));
  let firstAnswer: { id: string; by: Member } | undefined;
  const responders: Member[] = [];
  const answers = 1 + rng.poisson(0.7);
  for (let i = 0; i < answers; i++) {
    const responder: Member | undefined = rng.chance(0.4) ? roster.pickAdmin(rng, t) : ctx.speaker(t, asker);
    if (responder && responder !== asker && !responders.includes(responder)) {
      responders.push(responder);
      const mention = isPresent(asker, t) && rng.chance(0.5);
      const lines = responder.admin ? plan.phrases.answers : (plan.phrases.peerAnswers ?? plan.phrases.answers);
      const body = ctx.fill(rng.pick(lines));
      const text = mention ? mentionText(personAt(asker, t).name, body) : body;
      const id = ctx.say(responder, t, text, { replyTo: questionId, mentions: mention ? [asker.person.id] : undefined });
      if (id) {
        firstAnswer ??= { id, by: responder };
        ctx.react(id, t, responder);
      }
    }
    t += 15 * SECOND + Math.round(rng.exponential(4 * MINUTE));
  }
  if (firstAnswer && rng.chance(0.45) && isPresent(asker, t)) {
    ctx.say(asker, t, rng.pick(plan.common.thanks), { replyTo: firstAnswer.id });
  }
}

function chatMedia(rng: Rng, zh: boolean): Media | undefined {
  const roll = rng.float();
  if (roll < 0.07) return 'photo';
  if (roll < 0.1) return 'sticker';
  if (roll < (zh ? 0.125 : 0.11)) return 'voice';
  if (roll < (zh ? 0.135 : 0.12)) return 'video';
  return undefined;
}

function chatter(ctx: HourContext, at: number): void {
  const { rng, plan } = ctx;
  const people: Member[] = [];
  const wanted = 2 + rng.int(0, 3);
  for (let i = 0; i < wanted; i++) {
    const who = ctx.speaker(at);
    if (who && !people.includes(who)) people.push(who);
  }
  if (people.length === 0) return;
  const messages = 2 + rng.poisson(2.2);
  let t = at;
  let previous: { id: string; by: Member } | undefined;
  for (let i = 0; i < messages; i++) {
    let speaker = rng.pick(people);
    // Chats alternate more often than one person talking to themselves.
    if (speaker === previous?.by && people.length > 1 && rng.chance(0.6)) speaker = rng.pick(people);
    if (isPresent(speaker, t)) {
      const media = chatMedia(rng, plan.locale === 'zh');
      let text = media === 'photo' ? rng.pick(plan.common.photoCaptions) : media ? '' : ctx.fill(rng.pick(plan.phrases.chatter));
      const replyTo = previous && rng.chance(0.25) ? previous.id : undefined;
      let mentions: string[] | undefined;
      const other = rng.pick(people);
      if (!media && other !== speaker && isPresent(other, t) && rng.chance(0.08)) {
        text = mentionText(personAt(other, t).name, text);
        mentions = [other.person.id];
      }
      const id = ctx.say(speaker, t, text, { media, replyTo, mentions });
      if (!id) return;
      previous = { id, by: speaker };
      ctx.react(id, t, speaker);
    }
    t += 8 * SECOND + Math.round(rng.exponential(70 * SECOND));
  }
}

function share(ctx: HourContext, at: number): void {
  const { rng, plan } = ctx;
  const sharer = ctx.speaker(at);
  if (!sharer) return;
  const text = ctx.fill(rng.pick(plan.phrases.shares));
  const media: Media = text.includes('https://') ? (rng.chance(0.6) ? 'link' : 'photo') : rng.pick<Media>(['photo', 'photo', 'document', 'video']);
  const id = ctx.say(sharer, at, text, { media });
  if (!id) return;
  ctx.react(id, at, sharer, 2);
  const followUps = rng.poisson(1.2);
  let t = at;
  for (let i = 0; i < followUps; i++) {
    t += 20 * SECOND + Math.round(rng.exponential(3 * MINUTE));
    const who = ctx.speaker(t, sharer);
    if (!who) continue;
    const text = rng.chance(0.6) ? rng.pick(plan.common.thanks) : ctx.fill(rng.pick(plan.phrases.chatter));
    ctx.say(who, t, text, { replyTo: rng.chance(0.6) ? id : undefined });
  }
}

function announcement(ctx: HourContext, at: number, level: number): void {
  const { rng, plan, roster } = ctx;
  const admin = roster.pickAdmin(rng, at);
  if (!admin) return;
  const id = ctx.say(admin, at, ctx.fill(rng.pick(plan.phrases.announcements)));
  if (!id) return;
  ctx.react(id, at, admin, 3);
  const acks = rng.poisson(4 * level);
  let t = at;
  for (let i = 0; i < acks; i++) {
    t += 10 * SECOND + Math.round(rng.exponential(3 * MINUTE));
    const who = ctx.speaker(t, admin);
    if (who) ctx.say(who, t, rng.pick(plan.common.acknowledgements), { replyTo: rng.chance(0.3) ? id : undefined });
  }
}

function welcome(ctx: HourContext, member: Member): void {
  const { rng, plan, roster } = ctx;
  if (rng.chance(plan.profile.welcomeChance)) {
    const at = member.joinAt + Math.round(rng.range(1, 20) * MINUTE);
    const admin = roster.pickAdmin(rng, at);
    if (admin && admin !== member && isPresent(member, at)) {
      const text = rng.pick(plan.common.welcomes).replace('{name}', personAt(member, at).name);
      ctx.say(admin, at, text, { mentions: [member.person.id] });
    }
  }
  if (rng.chance(0.3)) {
    const at = member.joinAt + Math.round(rng.range(2, 40) * MINUTE);
    if (isPresent(member, at)) ctx.say(member, at, rng.pick(plan.common.greetings).replace('{name}', personAt(member, at).name));
  }
}

// A fresh account joins through a public link and posts an ad within minutes; admins
// of a cared-for group kick it soon after, in a neglected one it lingers.
function spam(ctx: HourContext, hour: number, index: number): void {
  const { rng, plan, roster, writer } = ctx;
  const { group, common, profile } = plan;
  const joinAt = hour * HOUR + rng.int(0, HOUR);
  if (joinAt <= group.createdAt) return;
  const spammer: SandboxPerson = { id: `u-${group.room}-ad${hour}x${index}`, name: rng.pick(common.spamNames) };
  if (rng.chance(0.8)) writer.join(spammer, joinAt, 'link', undefined, rng.pick(plan.linkChannels));
  else writer.join(spammer, joinAt, 'code', undefined, rng.pick(plan.inviteCodes));
  const adAt = Math.round(joinAt + rng.range(1, 10) * MINUTE);
  const text = rng.pick(common.spam).replace('{url}', spamUrl(rng));
  if (!writer.message(spammer, adAt, text, { media: rng.chance(0.4) ? 'link' : undefined })) return;
  if (rng.chance(profile.spamRemovedChance)) {
    const removeAt = Math.round(adAt + rng.range(2, 45) * MINUTE);
    const admin = roster.pickAdmin(rng, removeAt);
    if (!admin) return;
    writer.leave(spammer, removeAt, personAt(admin, removeAt));
    if (rng.chance(0.4)) ctx.say(admin, removeAt + Math.round(rng.range(0.5, 5) * MINUTE), rng.pick(common.spamWarnings));
  } else if (rng.chance(0.5)) {
    writer.leave(spammer, Math.round(adAt + rng.range(5, 90) * MINUTE));
  }
}

/**
 * The payloads group `plan` produces from conversations and membership changes that
 * start in UTC hour `hour` (epoch ms / HOUR). Depends only on (seed, plan, hour) and
 * the roster, which is itself fixed by the seed; payloads are not sorted.
 */
export function hourTraffic(plan: GroupPlan, roster: MemberRoster, seed: number, hour: number, intensity: number): SandboxPayload[] {
  const { group, profile, archetype } = plan;
  const start = hour * HOUR;
  const writer = new HourWriter(group.room, group.title, hour);
  if (start + HOUR <= group.createdAt) return writer.out;
  roster.ensure(start + HOUR);

  const joins = roster.joinsIn(hour);
  for (const m of joins) writer.join(m.person, m.joinAt, m.via, m.inviter && personAt(m.inviter, m.joinAt), m.code);
  for (const m of roster.leavesIn(hour)) writer.leave(personAt(m, m.leaveAt), m.leaveAt, m.removedBy && personAt(m.removedBy, m.leaveAt));
  for (const m of roster.renamesIn(hour)) if (m.renamed) writer.rename(m.renamed, m.renameAt, m.person.name);

  const local = localHourOf(group.timezone, hour);
  const createdDay = localHourOf(group.timezone, Math.floor(group.createdAt / HOUR)).day;
  const day = planDay(seed, plan, local.day, Math.max(0, local.day - createdDay));
  if (day.silent || (local.hour < 13 ? day.quietBefore13 : day.quietAfter13)) return writer.out;

  const rng = Rng.from(seed, plan.index, hour);
  const ctx = new HourContext(plan, roster, rng, writer, roster.joinedBy(start + HOUR));
  const ageDays = Math.max(0, (start - group.createdAt) / DAY);
  const level = profile.level(ageDays);

  // Founders arrive together when the group is created; nobody welcomes them one by one.
  for (const m of joins) if (m.joinAt > group.createdAt) welcome(ctx, m);
  if (local.hour === day.announcementHour) announcement(ctx, start + day.announcementMinute * MINUTE, level);

  const weekend = isWeekend(local.weekday);
  const expected = plan.baseDaily * level * day.factor * (weekend ? archetype.weekendFactor : 1) * hourShare(local.hour, weekend) * intensity;
  const sessions = rng.poisson(expected / MESSAGES_PER_SESSION);
  for (let i = 0; i < sessions; i++) {
    const at = start + rng.int(0, HOUR);
    const roll = rng.float();
    if (roll < archetype.questionShare) question(ctx, at);
    else if (roll < archetype.questionShare + archetype.shareShare) share(ctx, at);
    else chatter(ctx, at);
  }

  const spams = rng.poisson((profile.spamPerDay / 24) * intensity);
  for (let i = 0; i < spams; i++) spam(ctx, hour, i);
  return writer.out;
}
