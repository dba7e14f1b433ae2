import type { Transaction } from 'kysely';
import type { AutomationContext } from '../../core/automation-context.js';
import type { Database } from '../../store/schema.js';
import { DEFAULT_GRAB_WORDS, grabWordOf } from './draw-split.js';
import { grab, liveGrabWords } from './draw-store.js';

type Trx = Transaction<Database>;

/** How long the draws' own grab words are trusted before they are read again (another process may have started a draw). */
const WORDS_FOR_MS = 30_000;

/**
 * The lucky-draw rule, run by ingest on each new message inside the batch's transaction:
 * a grab word ("抢", "/grab", or a draw's own) claims a share of the group's open
 * envelope, answered through the outbox. Every other message costs a synchronous check of
 * its text: only a short single word that is a default grab word, or one of the live
 * draws' words (read at most every 30 s, and at once after `invalidate()`), reaches the
 * database. The event is stored once before the rules run, so a grab delivered twice
 * claims once.
 */
export class DrawRule {
  #words: Set<string> | null = null;
  #readAt = 0;

  /** Forget the live draws' words (a draw was created in this process). */
  invalidate(): void {
    this.#words = null;
  }

  readonly onEvent = async (trx: Trx, ctx: AutomationContext, eventId: number): Promise<number> => {
    const { event, member, group, now } = ctx;
    if (member.isBot) return 0;
    // "/grab" arrives as a command where the platform reads slash commands (Telegram, the sandbox).
    const word = event.kind === 'message' ? grabWordOf(event.text) : event.kind === 'command' && event.args.trim() === '' ? grabWordOf(`/${event.name}`) : null;
    if (word === null) return 0;
    if (!(DEFAULT_GRAB_WORDS as readonly string[]).includes(word)) {
      if (this.#words === null || now - this.#readAt > WORDS_FOR_MS || now < this.#readAt) {
        this.#words = await liveGrabWords(trx);
        this.#readAt = now;
      }
      if (!this.#words.has(word)) return 0;
    }
    const { written } = await grab(
      trx,
      {
        workspaceId: group.workspaceId,
        group: { id: group.id, platform: group.platform },
        member: { id: member.id, name: member.displayName },
        word,
        key: `evt:${eventId}`,
        ...('messageId' in event && event.messageId ? { replyTo: event.messageId } : {}),
      },
      now,
    );
    return written;
  };
}
