import { createHash } from 'node:crypto';

/**
 * What an erased member becomes, shared by erasure (which rewrites what is stored)
 * and ingest (which keeps later events of an erased member pseudonymous).
 *
 * Most platform ids are numbers the platform assigned (Telegram, Discord, WeChat
 * wxids) and say nothing about the person. Two kinds are made of the person's name:
 * sandbox members (the name is the id) and senders an export knows only by name
 * (`name:<chat>:<name>`, see importers/import-source.ts). Erasure replaces those by
 * `erased:<SHA-256 of platform and id>`, so the name is gone from the store while a
 * later event or re-import under the same name is still recognised as the erased
 * member, rather than creating them again under their name. (A hash is a
 * pseudonym, not anonymity: someone who guesses the exact name and chat can confirm
 * the guess. That is the price of not bringing the person back.)
 */

const ERASED_PREFIX = 'erased:';

/** The stable name an erased member is shown by. */
export function pseudonymOf(memberId: number): string {
  return `Erased member #${memberId}`;
}

/** Whether an identity's platform id is made of the person's name. */
export function idHoldsName(platform: string, externalId: string): boolean {
  return !externalId.startsWith(ERASED_PREFIX) && (platform === 'sandbox' || externalId.startsWith('name:'));
}

/** The id a name-derived identity is kept under once erased (stable: the same input, the same id). */
export function erasedExternalId(platform: string, externalId: string): string {
  return `${ERASED_PREFIX}${createHash('sha256').update(`${platform}\n${externalId}`).digest('hex').slice(0, 40)}`;
}

/** The id an identity is stored under after erasure: hashed when it holds the name, unchanged otherwise. */
export function idAfterErasure(platform: string, externalId: string): string {
  return idHoldsName(platform, externalId) ? erasedExternalId(platform, externalId) : externalId;
}

type Json = Record<string, unknown>;

const PERSON_FIELDS = ['actor', 'member', 'inviter', 'removedBy'] as const;
const SUBJECT_FIELD: Record<string, string> = {
  message: 'actor',
  command: 'actor',
  reaction: 'actor',
  'group.renamed': 'actor',
  'member.joined': 'member',
  'member.left': 'member',
  'member.renamed': 'member',
};

export interface PseudonymizeOptions {
  /** Blank what the erased subject wrote (message text, command arguments). Erasure does; ingest keeps new text. */
  blankText: boolean;
  /** Their usernames (without @), lowercased: `@username` mentions of them are replaced too. */
  usernames?: ReadonlyMap<string, number>;
}

/**
 * An Event (as stored) with the named people pseudonymized: every person reference
 * to one of `erased` (platform id → member id, for the event's platform) gets the
 * pseudonym as its name, no username, and its id as kept after erasure; so do
 * mentions of them (by id, or by `@username` when `usernames` are given). When the event's subject is erased, a rename's names become the
 * pseudonym and, with `blankText`, what they wrote is blanked. Kind, time, ids,
 * reply and media stay, so every figure computed from the event stays the same.
 * Returns the same object when nothing in it names them.
 */
export function pseudonymizeEvent<E extends object>(event: E, erased: ReadonlyMap<string, number>, options: PseudonymizeOptions): E {
  const e = event as Json;
  const platform = String(e.platform ?? '');
  const mentionIds = new Map<string, string>();
  for (const id of erased.keys()) mentionIds.set(id, idAfterErasure(platform, id));
  const mentionOf = (m: string) => {
    const byHandle = m.startsWith('@') ? options.usernames?.get(m.slice(1).toLowerCase()) : undefined;
    return byHandle !== undefined ? `@erased-member-${byHandle}` : mentionIds.get(m);
  };
  let out: Json | null = null;
  const copy = () => (out ??= { ...e });

  for (const field of PERSON_FIELDS) {
    const ref = e[field] as Json | undefined;
    if (!ref || typeof ref !== 'object' || typeof ref.id !== 'string') continue;
    const memberId = erased.get(ref.id);
    if (memberId === undefined) continue;
    const { username: _username, ...rest } = ref;
    copy()[field] = { ...rest, id: idAfterErasure(platform, ref.id), name: pseudonymOf(memberId) };
  }
  if (Array.isArray(e.mentions) && e.mentions.some((m) => typeof m === 'string' && mentionOf(m) !== undefined)) {
    copy().mentions = e.mentions.map((m) => (typeof m === 'string' ? (mentionOf(m) ?? m) : m));
    // A mention by handle is written in the text too: that `@handle` is a reference to them, so it goes the same way.
    // (Their name in someone else's free text, unmarked, is that person's words and stays.)
    if (typeof e.text === 'string') {
      let text = e.text;
      for (const m of e.mentions) {
        if (typeof m !== 'string' || !m.startsWith('@')) continue;
        const to = mentionOf(m);
        if (to !== undefined) text = text.replace(new RegExp(`${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`, 'gi'), to);
      }
      if (text !== e.text) copy().text = text;
    }
  }
  const subject = e[SUBJECT_FIELD[String(e.kind)] ?? ''] as Json | undefined;
  const subjectId = subject && typeof subject.id === 'string' ? erased.get(subject.id) : undefined;
  if (subjectId !== undefined) {
    if (e.kind === 'member.renamed') {
      copy().newName = pseudonymOf(subjectId);
      if (e.oldName !== undefined) copy().oldName = pseudonymOf(subjectId);
    }
    if (options.blankText) {
      if (typeof e.text === 'string' && e.text !== '') copy().text = '';
      if (typeof e.args === 'string' && e.args !== '') copy().args = '';
    }
  }
  return (out ?? e) as E;
}

/** Every name and username an Event (as stored) gives the people in `ids`. */
export function namesIn(event: object, ids: ReadonlySet<string>): string[] {
  const e = event as Json;
  const names: string[] = [];
  for (const field of PERSON_FIELDS) {
    const ref = e[field] as Json | undefined;
    if (!ref || typeof ref.id !== 'string' || !ids.has(ref.id)) continue;
    if (typeof ref.name === 'string') names.push(ref.name);
    if (typeof ref.username === 'string') names.push(ref.username);
    if (field === 'member' && e.kind === 'member.renamed') {
      if (typeof e.oldName === 'string') names.push(e.oldName);
      if (typeof e.newName === 'string') names.push(e.newName);
    }
  }
  return names;
}
