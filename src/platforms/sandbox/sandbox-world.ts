import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { SandboxPayload } from './sandbox-payload.js';

/** One line of a sandbox room's conversation, as the room shows it. */
export interface SandboxEntry {
  id: string;
  at: string;
  kind: string;
  from: { id: string; name: string; bot: boolean };
  text: string | null;
  replyTo: string | null;
}

/**
 * The sandbox platform's own state — its rooms, their conversation and its clock —
 * the part a real platform keeps on its servers. Kept in Hearth's database so the
 * CLI, the server and the dashboard see one sandbox.
 */
export class SandboxWorld {
  constructor(private readonly db: Kysely<Database>) {}

  async addRoom(title: string, now: number, room?: string): Promise<string> {
    const id = room ?? `room-${now.toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
    await this.db
      .insertInto('sandbox_room')
      .values({ room: id, title, created_at: now })
      .onConflict((oc) => oc.column('room').doNothing())
      .execute();
    return id;
  }

  async rooms(): Promise<{ room: string; title: string }[]> {
    return this.db.selectFrom('sandbox_room').select(['room', 'title']).orderBy('created_at').execute();
  }

  async room(room: string): Promise<{ room: string; title: string } | undefined> {
    return this.db.selectFrom('sandbox_room').select(['room', 'title']).where('room', '=', room).executeTakeFirst();
  }

  /** Writes what happened in a room. Recording the same update twice keeps one line. */
  async record(payloads: SandboxPayload[]): Promise<void> {
    const rows = payloads.map((p) => {
      const from = p.type === 'message' || p.type === 'reaction' ? p.from : p.member;
      return {
        room: p.room,
        message_id: p.type === 'message' ? p.messageId : p.updateId,
        kind: p.type,
        from_id: from.id,
        from_name: from.name,
        from_bot: from.bot ? 1 : 0,
        text: p.type === 'message' ? p.text : p.type === 'reaction' ? p.emoji : p.type === 'join' ? (p.code ?? null) : null,
        reply_to: p.type === 'message' ? (p.replyTo ?? null) : p.type === 'reaction' ? p.messageId : null,
        at: p.at,
      };
    });
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto('sandbox_message')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['room', 'message_id']).doNothing())
        .execute();
    }
  }

  /** Writes a bot message once per id; false when that id was already there (a resend). */
  async botSays(room: string, messageId: string, kind: string, text: string, replyTo: string | null, at: number, bot: { id: string; name: string }): Promise<boolean> {
    const result = await this.db
      .insertInto('sandbox_message')
      .values({ room, message_id: messageId, kind, from_id: bot.id, from_name: bot.name, from_bot: 1, text, reply_to: replyTo, at })
      .onConflict((oc) => oc.columns(['room', 'message_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** The last `limit` lines of a room, oldest first. */
  async log(room: string, limit = 200): Promise<SandboxEntry[]> {
    const rows = await this.db.selectFrom('sandbox_message').selectAll().where('room', '=', room).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.reverse().map((r) => ({
      id: r.message_id,
      at: new Date(r.at).toISOString(),
      kind: r.kind,
      from: { id: r.from_id, name: r.from_name, bot: r.from_bot === 1 },
      text: r.text,
      replyTo: r.reply_to,
    }));
  }

  async state(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('sandbox_state').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('sandbox_state')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
}
