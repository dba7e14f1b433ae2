import type { Command } from 'commander';
import { codeStatus, createInviteCode, createLiveCode, addSeriesGroup, getCode, listCodes, uploadGroupQr, InvalidGrowthCodeError, type CodeStatus } from '../../growth/code-store.js';
import { describeWarning } from '../../growth/live-code-route.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import type { Database } from '../../store/schema.js';
import type { Kysely } from 'kysely';
import { readFile } from 'node:fs/promises';
import { printJsonLine, UsageError, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

const wholeNumber = (value: string, option: string): number => {
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} takes a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
};

/** Group ids, or group names that name exactly one group of the workspace. */
async function groupIds(db: Kysely<Database>, workspaceId: number, refs: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const ref of refs.map((r) => r.trim()).filter((r) => r.length > 0)) {
    if (/^\d+$/.test(ref)) {
      out.push(Number(ref));
      continue;
    }
    const rows = await db.selectFrom('chat_group').select('id').where('workspace_id', '=', workspaceId).where('name', '=', ref).execute();
    if (rows.length !== 1) throw new InvalidGrowthCodeError(rows.length === 0 ? `no group named ${JSON.stringify(ref)}` : `${rows.length} groups are named ${JSON.stringify(ref)}: give the id`);
    out.push(Number(rows[0]!.id));
  }
  if (out.length === 0) throw new UsageError('--groups takes group ids or names separated by commas');
  return out;
}

function printStatus(status: CodeStatus): void {
  const names = (id: number) => status.groups.find((g) => g.id === id)?.name ?? `group ${id}`;
  const kind = status.kind === 'live' ? 'live code' : 'invitation code';
  process.stdout.write(
    `${kind} ${status.code} "${status.name}": ${status.scans} scans, ${status.joins} joins${status.remaining !== null ? `, ${status.remaining} of ${status.quantity} left` : ''}${status.closed ? ` (${status.closed.replace('_', ' ')})` : ''}\n`,
  );
  for (const g of status.groups) {
    const mark = g.id === status.current.id ? '→' : ' ';
    process.stdout.write(`${mark} ${g.id} ${g.name} (${g.platform}): ${g.members}${g.capacity !== null ? `/${g.capacity}` : ''} members, ${g.joins} through this code\n`);
  }
  for (const w of status.warnings) process.stdout.write(`! ${describeWarning(w, names)}\n`);
}

/** `hearth livecode …` and `hearth code …`: the codes Hearth issues (src/growth/). */
export function registerGrowthCommand(program: Command): void {
  const run = <T>(cmd: Command, work: (db: Kysely<Database>, workspaceId: number, now: number) => Promise<T>) =>
    withRuntime(async (runtime) => {
      const workspace = await resolveWorkspace(runtime.store.db, (cmd.optsWithGlobals() as Common).workspace);
      return work(runtime.store.db, workspace.id, runtime.clock());
    });

  const live = program
    .command('livecode')
    .description('live codes: one stable code over a series of groups, rolling over when one is full')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  live
    .command('add <name>')
    .description('create a live code over groups (ids or names, in order); prints the code last')
    .requiredOption('--groups <groups>', 'the series: group ids or names, comma-separated')
    .option('--capacity <n>', 'members per group before it rolls over (default 200)')
    .option('--channel <channel>', 'the channel it is shared on (bilibili, douyin, moments, poster…)')
    .option('--campaign <campaign>', 'the campaign it belongs to')
    .action(async (name: string, opts: { groups: string; capacity?: string; channel?: string; campaign?: string }, cmd: Command) => {
      const created = await run(cmd, async (db, workspaceId, now) =>
        createLiveCode(
          db,
          {
            workspaceId,
            name,
            groupIds: await groupIds(db, workspaceId, opts.groups.split(',')),
            ...(opts.capacity !== undefined ? { capacity: wholeNumber(opts.capacity, '--capacity') } : {}),
            channel: opts.channel ?? null,
            campaign: opts.campaign ?? null,
          },
          now,
        ),
      );
      process.stdout.write(`created live code "${created.name}" (capacity ${created.capacity}; scans land at /j/${created.code}): ${created.code}\n`);
    });
  live
    .command('show <code>')
    .description("a live code's groups, where it leads now, scans, joins and warnings")
    .option('--json', 'as JSON')
    .action(async (code: string, opts: { json?: boolean }, cmd: Command) => {
      const status = await run(cmd, async (db, workspaceId, now) => codeStatus(db, await getCode(db, workspaceId, code), now));
      if (opts.json) printJsonLine(status);
      else printStatus(status);
    });
  live
    .command('list')
    .description('every live code (JSON lines)')
    .action(async (_opts: unknown, cmd: Command) => {
      for (const s of await run(cmd, (db, workspaceId, now) => listCodes(db, workspaceId, now, { kind: 'live' }))) printJsonLine(s);
    });
  live
    .command('add-group <code> <group>')
    .description("add the next group at the end of a live code's series")
    .action(async (code: string, group: string, _opts: unknown, cmd: Command) => {
      const status = await run(cmd, async (db, workspaceId, now) => {
        const row = await getCode(db, workspaceId, code);
        const [id] = await groupIds(db, workspaceId, [group]);
        await addSeriesGroup(db, row, id!);
        return codeStatus(db, row, now);
      });
      printStatus(status);
    });
  live
    .command('qr <group> <image-file>')
    .description("upload a WeChat/WeCom group's QR image (PNG or JPEG); it works for 7 days")
    .action(async (group: string, file: string, _opts: unknown, cmd: Command) => {
      const bytes = await readFile(file).catch(() => {
        throw new UsageError(`cannot read ${file}`);
      });
      const mime = bytes[0] === 0x89 && bytes[1] === 0x50 ? 'image/png' : bytes[0] === 0xff && bytes[1] === 0xd8 ? 'image/jpeg' : null;
      if (!mime) throw new UsageError(`${file} is not a PNG or JPEG image`);
      await run(cmd, async (db, workspaceId, now) => {
        const [id] = await groupIds(db, workspaceId, [group]);
        await uploadGroupQr(db, { workspaceId, groupId: id!, mime, base64: bytes.toString('base64') }, now);
      });
      process.stdout.write(`uploaded the QR image of group ${group}; it expires in 7 days\n`);
    });

  const code = program
    .command('code')
    .description('invitation codes: a code for one group, with its campaign, channel, inviter and an optional limited quantity')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  code
    .command('add <name>')
    .description('create an invitation code for a group; prints the code last')
    .requiredOption('--group <group>', 'the group (id or name)')
    .option('--quantity <n>', 'how many may join through it before it is used up')
    .option('--inviter <member-id>', 'the member who shares it')
    .option('--channel <channel>', 'the channel it is shared on')
    .option('--campaign <campaign>', 'the campaign it belongs to')
    .action(async (name: string, opts: { group: string; quantity?: string; inviter?: string; channel?: string; campaign?: string }, cmd: Command) => {
      const created = await run(cmd, async (db, workspaceId, now) =>
        createInviteCode(
          db,
          {
            workspaceId,
            name,
            groupId: (await groupIds(db, workspaceId, [opts.group]))[0]!,
            ...(opts.quantity !== undefined ? { quantity: wholeNumber(opts.quantity, '--quantity') } : {}),
            ...(opts.inviter !== undefined ? { inviterMemberId: wholeNumber(opts.inviter, '--inviter') } : {}),
            channel: opts.channel ?? null,
            campaign: opts.campaign ?? null,
          },
          now,
        ),
      );
      process.stdout.write(`created invitation code "${created.name}"${created.quantity !== null ? ` (${created.quantity} places)` : ''}: ${created.code}\n`);
    });
  code
    .command('show <code>')
    .description("a code's scans, joins, what is left and where it leads")
    .option('--json', 'as JSON')
    .action(async (value: string, opts: { json?: boolean }, cmd: Command) => {
      const status = await run(cmd, async (db, workspaceId, now) => codeStatus(db, await getCode(db, workspaceId, value), now));
      if (opts.json) printJsonLine(status);
      else printStatus(status);
    });
  code
    .command('list')
    .description('every code, live codes too (JSON lines)')
    .action(async (_opts: unknown, cmd: Command) => {
      for (const s of await run(cmd, (db, workspaceId, now) => listCodes(db, workspaceId, now))) printJsonLine(s);
    });
}
