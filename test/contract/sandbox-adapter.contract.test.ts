import { randomBytes } from 'node:crypto';
import { SandboxAdapter } from '../../src/platforms/sandbox/sandbox-adapter.js';
import { SandboxWorld } from '../../src/platforms/sandbox/sandbox-world.js';
import { openStore } from '../../src/store/database.js';
import { backends } from '../helpers/backends.js';
import { runAdapterContract, type SentCall } from './adapter-contract.js';

const at = Date.parse('2026-06-01T09:00:00Z');
const room = 'room-contract';
const ann = { id: 'ann', name: 'Ann' };

runAdapterContract({
  name: 'sandbox',
  actions: ['send_message', 'delete_message', 'mute_member', 'remove_member', 'ban_member'],
  async setup(clock) {
    const made = backends[0]!.create();
    const store = await openStore(made.target);
    const world = new SandboxWorld(store.db);
    await world.addRoom('Contract Room', at, room);
    const adapter = new SandboxAdapter(world, clock);
    const kinds: Record<string, SentCall['type']> = { deleted: 'delete_message', muted: 'mute_member', removed: 'remove_member', banned: 'ban_member' };
    return {
      adapter,
      group: { externalId: room, name: 'Contract Room' },
      member: { externalId: 'ann', name: 'Ann' },
      samples: [
        { kind: 'message', payload: { type: 'message', updateId: 'u1', room, at, from: ann, messageId: 'm1', text: 'hello @bo', mentions: ['bo'], replyTo: 'm0' }, expect: { text: 'hello @bo', replyTo: 'm0', mentions: ['bo'] } },
        { kind: 'command', payload: { type: 'message', updateId: 'u2', room, at, from: ann, messageId: 'm2', text: '/checkin today' }, expect: { name: 'checkin', args: 'today' } },
        { kind: 'member.joined', payload: { type: 'join', updateId: 'u3', room, at, member: ann, via: 'invite', inviter: { id: 'bo', name: 'Bo' } }, expect: { method: 'invite', inviter: { id: 'bo' } } },
        { kind: 'member.left', payload: { type: 'leave', updateId: 'u4', room, at, member: ann, removedBy: { id: 'bo', name: 'Bo' } }, expect: { removedBy: { id: 'bo' } } },
        { kind: 'reaction', payload: { type: 'reaction', updateId: 'u5', room, at, from: ann, messageId: 'm1', emoji: '👍' }, expect: { emoji: '👍' } },
        { kind: 'member.renamed', payload: { type: 'rename', updateId: 'u6', room, at, member: { id: 'ann', name: 'Annie' }, oldName: 'Ann' }, expect: { newName: 'Annie', oldName: 'Ann' } },
      ],
      malformed: [
        { payload: null, mentions: 'payload' },
        { payload: { type: 'message', updateId: 'x', room, at, from: ann, text: 'no id' }, mentions: 'messageId' },
        { payload: { type: 'teleport', updateId: 'x', room, at }, mentions: 'type' },
        { payload: { type: 'join', updateId: 'x', room, at: -5, member: ann }, mentions: 'at' },
        { payload: { type: 'message', updateId: 'x', room, at, from: ann, messageId: 'm', text: 'x'.repeat(70_000) }, mentions: 'text' },
        { payload: { type: 'message', updateId: 'x', room, at, from: { id: '', name: randomBytes(4).toString('hex') }, messageId: 'm', text: 'hi' }, mentions: 'from.id' },
      ],
      async sent() {
        const log = await world.log(room, 10_000);
        return log
          .filter((e) => e.from.bot)
          .map((e) => ({ type: e.kind === 'message' ? 'send_message' : (kinds[e.text!.split(' ')[0]!] ?? 'alert_operator'), groupExternalId: room, text: e.text ?? undefined }) as SentCall);
      },
      refuseNext: (count, refusal) => adapter.refuseNext(count, refusal),
      async close() {
        await store.close();
        await made.cleanup();
      },
    };
  },
});
