import { describe, expect, it } from 'vitest';
import { eventSchema, InvalidEventError, parseEvent, quickEvent } from '../src/core/event.js';
import { mutate, seededRandom } from './helpers/mutate.js';

const at = '2024-03-05T10:20:30.400Z';
const group = { id: 'g1', title: 'Garden club' };
const actor = { id: 'u1', name: 'Ana', username: 'ana', isBot: false };

/** One well-formed Event of each kind, with every optional field set. */
const WELL_FORMED: Record<string, unknown>[] = [
  {
    v: 1,
    platform: 'sandbox',
    dedupKey: 'k1',
    occurredAt: at,
    group,
    kind: 'message',
    actor,
    messageId: 'm1',
    text: 'hello',
    media: 'photo',
    replyTo: 'm0',
    mentions: ['u2'],
    forwarded: true,
    edited: false,
  },
  { platform: 'telegram', dedupKey: 'k2', occurredAt: '2024-03-05T10:20:30Z', group: { id: 'g2' }, kind: 'message', actor: { id: 'u1' }, messageId: 'm1' },
  { v: 1, platform: 'sandbox', dedupKey: 'k3', occurredAt: at, group, kind: 'member.joined', member: actor, method: 'code', inviter: { id: 'u9', name: 'Bo' }, code: 'SPRING' },
  { v: 1, platform: 'sandbox', dedupKey: 'k4', occurredAt: at, group, kind: 'member.left', member: actor, removedBy: { id: 'u9' } },
  { v: 1, platform: 'sandbox', dedupKey: 'k5', occurredAt: at, group, kind: 'reaction', actor, messageId: 'm1', emoji: '👍', added: false },
  { v: 1, platform: 'sandbox', dedupKey: 'k6', occurredAt: at, group, kind: 'member.renamed', member: actor, oldName: 'Ann', newName: 'Ana' },
  { v: 1, platform: 'sandbox', dedupKey: 'k7', occurredAt: at, group, kind: 'command', actor, messageId: 'm2', name: 'rules', args: 'please' },
  { v: 1, platform: 'sandbox', dedupKey: 'k8', occurredAt: at, group, kind: 'group.renamed', actor, title: 'New name' },
];

describe('the quick parse of an Event', () => {
  it('builds exactly what the schema builds for well-formed events of every kind it handles', () => {
    for (const input of WELL_FORMED) {
      const schema = eventSchema.safeParse(input);
      expect(schema.success).toBe(true);
      const quick = quickEvent(input);
      if (input.kind === 'group.renamed') expect(quick).toBeNull();
      else {
        expect(quick, JSON.stringify(input)).toStrictEqual(schema.data);
        expect(JSON.stringify(quick)).toBe(JSON.stringify(schema.data));
      }
    }
  });

  it('never accepts what the schema refuses, and builds the same event for what it accepts (20,000 mutants)', () => {
    const random = seededRandom(20261203);
    let accepted = 0;
    let refused = 0;
    for (let n = 0; n < 20_000; n++) {
      const input = mutate(WELL_FORMED[n % WELL_FORMED.length]!, random);
      const quick = quickEvent(input);
      const schema = eventSchema.safeParse(input);
      if (!schema.success) refused++;
      if (quick === null) continue;
      accepted++;
      expect(schema.success, JSON.stringify(input)).toBe(true);
      expect(quick, JSON.stringify(input)).toStrictEqual(schema.data);
      expect(JSON.stringify(quick)).toBe(JSON.stringify(schema.data));
    }
    // The mutants exercise both sides: many are still well-formed, many are not.
    expect(accepted).toBeGreaterThan(2_000);
    expect(refused).toBeGreaterThan(5_000);
  });

  it('gives the same verdict and the same words through parseEvent whichever path an input takes', () => {
    const random = seededRandom(7);
    for (let n = 0; n < 5_000; n++) {
      const input = mutate(WELL_FORMED[n % WELL_FORMED.length]!, random);
      const schema = eventSchema.safeParse(input);
      let outcome: unknown;
      try {
        outcome = parseEvent(input);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidEventError);
        outcome = (error as Error).message;
      }
      if (!schema.success) {
        expect(typeof outcome, JSON.stringify(input)).toBe('string');
        expect(outcome as string).toMatch(/^invalid event/);
        expect((outcome as string).endsWith(`: ${schema.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ')}`)).toBe(true);
      }
    }
  });

  it('still makes free text storable and refuses an id that is not, on the quick path', () => {
    const event = parseEvent({ ...WELL_FORMED[0], text: 'a\u0000b', actor: { id: 'u1', name: 'x\ud800' } });
    expect(event).toMatchObject({ text: 'ab', actor: { id: 'u1', name: 'x\ufffd' } });
    expect(() => parseEvent({ ...WELL_FORMED[0], messageId: 'm\u0000' })).toThrow('invalid event k1: messageId: must be well-formed text');
  });
});
