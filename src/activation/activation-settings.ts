import type { Kysely } from 'kysely';
import { MAX_MESSAGE_TEXT } from '../core/action.js';
import { isStorable, NOT_STORABLE } from '../core/stored-text.js';
import type { Database, GroupActivationTable } from '../store/schema.js';
import { DEFAULT_SILENCE_MINUTES, DEFAULT_WARN_MINUTES, parseQuietHours, type SilenceSettings } from './silence-rule.js';

/** A setting that cannot be taken; nothing is stored. */
export class ActivationSettingsInvalidError extends Error {
  override readonly name = 'ActivationSettingsInvalidError';
}

/** A group's watchdog settings as the CLI and API show them. */
export interface ActivationSettings {
  groupId: number;
  silenceHours: number;
  warnMinutes: number;
  quietHours: string | null;
  operatorChannelId: number | null;
  postTopic: boolean;
  topics: string[];
  /** Minutes a member's question may wait for a first response before the operators are alerted. */
  questionMinutes: number;
}

export interface ActivationChanges {
  silenceHours?: number;
  warnMinutes?: number;
  /** 'HH:MM-HH:MM' or 'off'. */
  quietHours?: string;
  /** Another group of the workspace (an operators' group), or null for none. */
  operatorChannelId?: number | null;
  postTopic?: boolean;
  topics?: string[];
  questionMinutes?: number;
}

type Row = Pick<GroupActivationTable, 'silence_minutes' | 'warn_minutes' | 'quiet_start' | 'quiet_end' | 'operator_channel_id' | 'post_topic' | 'topics' | 'topic_next' | 'question_minutes'>;

/** How long a question waits for a first response before the group watch alerts, unless the group says otherwise. */
export const DEFAULT_QUESTION_MINUTES = 30;

export const DEFAULT_ROW: Row = {
  silence_minutes: DEFAULT_SILENCE_MINUTES,
  warn_minutes: DEFAULT_WARN_MINUTES,
  quiet_start: null,
  quiet_end: null,
  operator_channel_id: null,
  post_topic: 0,
  topics: '[]',
  topic_next: 0,
  question_minutes: null,
};

export function silenceSettingsOf(row: Row): SilenceSettings {
  return {
    silenceMinutes: row.silence_minutes,
    warnMinutes: row.warn_minutes,
    quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
  };
}

function present(groupId: number, row: Row): ActivationSettings {
  return {
    groupId,
    silenceHours: row.silence_minutes / 60,
    warnMinutes: row.warn_minutes,
    quietHours: row.quiet_start && row.quiet_end ? `${row.quiet_start}-${row.quiet_end}` : null,
    operatorChannelId: row.operator_channel_id,
    postTopic: row.post_topic === 1,
    topics: JSON.parse(row.topics) as string[],
    questionMinutes: row.question_minutes ?? DEFAULT_QUESTION_MINUTES,
  };
}

export async function activationSettings(db: Kysely<Database>, groupId: number): Promise<ActivationSettings> {
  const row = await db.selectFrom('group_activation').selectAll().where('group_id', '=', groupId).executeTakeFirst();
  return present(groupId, row ?? DEFAULT_ROW);
}

/** Checks every change first, then stores them together: a bad one stores nothing. */
export async function setActivationSettings(db: Kysely<Database>, group: { id: number; workspaceId: number }, changes: ActivationChanges, now: number): Promise<ActivationSettings> {
  const current = (await db.selectFrom('group_activation').selectAll().where('group_id', '=', group.id).executeTakeFirst()) ?? DEFAULT_ROW;
  const next: Row = { ...current };
  if (changes.silenceHours !== undefined) {
    const minutes = Math.round(changes.silenceHours * 60);
    if (!Number.isFinite(changes.silenceHours) || minutes < 60 || minutes > 14 * 24 * 60)
      throw new ActivationSettingsInvalidError(`the silence threshold is 1 to 336 hours, not ${changes.silenceHours}`);
    next.silence_minutes = minutes;
  }
  if (changes.warnMinutes !== undefined) {
    if (!Number.isInteger(changes.warnMinutes) || changes.warnMinutes < 0)
      throw new ActivationSettingsInvalidError(`the warning lead is a whole number of minutes, 0 or more, not ${changes.warnMinutes}`);
    next.warn_minutes = changes.warnMinutes;
  }
  if (next.warn_minutes >= next.silence_minutes)
    throw new ActivationSettingsInvalidError(`the warning lead (${next.warn_minutes} min) must be shorter than the silence threshold (${next.silence_minutes} min)`);
  if (changes.quietHours !== undefined) {
    try {
      const quiet = parseQuietHours(changes.quietHours);
      next.quiet_start = quiet?.start ?? null;
      next.quiet_end = quiet?.end ?? null;
    } catch (error) {
      throw new ActivationSettingsInvalidError((error as Error).message);
    }
  }
  if (changes.operatorChannelId !== undefined) {
    if (changes.operatorChannelId === group.id) throw new ActivationSettingsInvalidError("a group cannot be its own operator channel: choose the operators' group");
    if (changes.operatorChannelId !== null) {
      const channel = await db.selectFrom('chat_group').select('id').where('id', '=', changes.operatorChannelId).where('workspace_id', '=', group.workspaceId).executeTakeFirst();
      if (!channel) throw new ActivationSettingsInvalidError(`no group ${changes.operatorChannelId} in this workspace to be the operator channel`);
    }
    next.operator_channel_id = changes.operatorChannelId;
  }
  if (changes.topics !== undefined) {
    if (changes.topics.length > 200) throw new ActivationSettingsInvalidError('a topic bank holds at most 200 topics');
    changes.topics.forEach((topic, i) => {
      if (typeof topic !== 'string' || !topic.trim()) throw new ActivationSettingsInvalidError(`topic ${i + 1} is empty`);
      if (topic.length > MAX_MESSAGE_TEXT) throw new ActivationSettingsInvalidError(`topic ${i + 1} is longer than ${MAX_MESSAGE_TEXT} characters`);
      if (!isStorable(topic)) throw new ActivationSettingsInvalidError(`topic ${i + 1} ${NOT_STORABLE}`);
    });
    next.topics = JSON.stringify(changes.topics.map((t) => t.trim()));
    next.topic_next = 0;
  }
  if (changes.questionMinutes !== undefined) {
    if (!Number.isInteger(changes.questionMinutes) || changes.questionMinutes < 5 || changes.questionMinutes > 24 * 60)
      throw new ActivationSettingsInvalidError(`a question's wait is a whole number of minutes from 5 to 1440, not ${changes.questionMinutes}`);
    next.question_minutes = changes.questionMinutes;
  }
  if (changes.postTopic !== undefined) next.post_topic = changes.postTopic ? 1 : 0;
  if (next.post_topic === 1 && (JSON.parse(next.topics) as string[]).length === 0) throw new ActivationSettingsInvalidError('posting a topic needs a topic bank: add topics first');

  await db
    .insertInto('group_activation')
    .values({ group_id: group.id, workspace_id: group.workspaceId, ...next, updated_at: now })
    .onConflict((oc) => oc.column('group_id').doUpdateSet({ ...next, updated_at: now }))
    .execute();
  return present(group.id, next);
}
