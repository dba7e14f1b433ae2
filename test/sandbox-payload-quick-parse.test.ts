import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from '../src/platforms/platform-adapter.js';
import { normalizeSandboxPayload, parseSandboxPayload } from '../src/platforms/sandbox/normalizer.js';
import { quickSandboxPayload, sandboxPayloadSchema } from '../src/platforms/sandbox/sandbox-payload.js';
import { mutate, seededRandom } from './helpers/mutate.js';

const at = 1_709_634_030_400;
const ana = { id: 'u1', name: 'Ana', bot: false };

/** One well-formed payload of each type, with every optional field set, and one with none. */
const WELL_FORMED: Record<string, unknown>[] = [
  { updateId: '1', room: 'r1', roomTitle: 'Garden club', at, type: 'message', from: ana, messageId: 'm1', text: 'hello', media: 'photo', replyTo: 'm0', mentions: ['u2'] },
  { updateId: '2', room: 'r1', at, type: 'message', from: { id: 'u1', name: 'Ana' }, messageId: 'm2', text: '/rules@bot now' },
  { updateId: '3', room: 'r1', roomTitle: 'Garden club', at, type: 'join', member: ana, via: 'code', inviter: { id: 'u9', name: 'Bo' }, code: 'SPRING' },
  { updateId: '4', room: 'r1', at, type: 'leave', member: ana, removedBy: { id: 'u9', name: 'Bo' } },
  { updateId: '5', room: 'r1', at, type: 'reaction', from: ana, messageId: 'm1', emoji: '👍' },
  { updateId: '6', room: 'r1', at, type: 'rename', member: ana, oldName: 'Ann' },
];

describe('the quick parse of a sandbox payload', () => {
  it('builds exactly what the schema builds for well-formed payloads', () => {
    for (const input of WELL_FORMED) {
      const schema = sandboxPayloadSchema.safeParse(input);
      expect(schema.success).toBe(true);
      expect(quickSandboxPayload(input)).toStrictEqual(schema.data);
      expect(JSON.stringify(quickSandboxPayload(input))).toBe(JSON.stringify(schema.data));
    }
  });

  it('never accepts what the schema refuses, and builds the same payload for what it accepts (20,000 mutants)', () => {
    const random = seededRandom(20261203);
    let accepted = 0;
    let refused = 0;
    for (let n = 0; n < 20_000; n++) {
      const input = mutate(WELL_FORMED[n % WELL_FORMED.length]!, random);
      const quick = quickSandboxPayload(input);
      const schema = sandboxPayloadSchema.safeParse(input);
      if (!schema.success) refused++;
      if (quick === null) continue;
      accepted++;
      expect(schema.success, JSON.stringify(input)).toBe(true);
      expect(quick, JSON.stringify(input)).toStrictEqual(schema.data);
      expect(JSON.stringify(quick)).toBe(JSON.stringify(schema.data));
    }
    expect(accepted).toBeGreaterThan(2_000);
    expect(refused).toBeGreaterThan(5_000);
  });

  it('words a refusal as the schema does, and refuses text the store cannot keep, whichever path a payload takes', () => {
    const random = seededRandom(11);
    for (let n = 0; n < 5_000; n++) {
      const input = mutate(WELL_FORMED[n % WELL_FORMED.length]!, random);
      const schema = sandboxPayloadSchema.safeParse(input);
      if (schema.success) continue;
      try {
        parseSandboxPayload(input);
        expect.unreachable(JSON.stringify(input));
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidPayloadError);
        for (const issue of schema.error.issues) expect((error as Error).message).toContain(`${issue.path.join('.') || '(payload)'}: ${issue.message}`);
      }
    }
    expect(() => parseSandboxPayload({ ...WELL_FORMED[0], text: 'a\u0000b' })).toThrow(/text: must be well-formed text/);
    expect(() => parseSandboxPayload({ ...WELL_FORMED[0], from: { id: 'u1', name: 'x\ud800' } })).toThrow(/from\.name: must be well-formed text/);
  });

  it('turns each payload into the Event it names', () => {
    expect(normalizeSandboxPayload(WELL_FORMED[1])).toStrictEqual([
      {
        v: 1,
        platform: 'sandbox',
        dedupKey: 'sandbox:2',
        occurredAt: '2024-03-05T10:20:30.400Z',
        group: { id: 'r1' },
        kind: 'command',
        actor: { id: 'u1', name: 'Ana' },
        messageId: 'm2',
        name: 'rules',
        args: 'now',
      },
    ]);
    expect(normalizeSandboxPayload(WELL_FORMED[2])).toStrictEqual([
      {
        v: 1,
        platform: 'sandbox',
        dedupKey: 'sandbox:3',
        occurredAt: '2024-03-05T10:20:30.400Z',
        group: { id: 'r1', title: 'Garden club' },
        kind: 'member.joined',
        member: { id: 'u1', name: 'Ana' },
        method: 'code',
        inviter: { id: 'u9', name: 'Bo' },
        code: 'SPRING',
      },
    ]);
    expect(normalizeSandboxPayload(WELL_FORMED[5])).toStrictEqual([
      {
        v: 1,
        platform: 'sandbox',
        dedupKey: 'sandbox:6',
        occurredAt: '2024-03-05T10:20:30.400Z',
        group: { id: 'r1' },
        kind: 'member.renamed',
        member: { id: 'u1', name: 'Ana' },
        oldName: 'Ann',
        newName: 'Ana',
      },
    ]);
  });
});
