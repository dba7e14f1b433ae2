import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { InvalidPointsError } from '../../activation/points/points-ledger.js';
import { InvalidPointsConfigError, medalName, type PointsConfigChanges } from '../../activation/points/points-rules.js';
import { pointsSettings, savePointsSettings } from '../../activation/points/points-settings.js';
import { adjustPoints, leaderboard, memberPoints, PointsNotFoundError } from '../../activation/points/points-store.js';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { dayIn } from '../../core/calendar.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup, GroupNotFoundError } from '../../store/groups.js';
import type { Database } from '../../store/schema.js';
import { printJsonLine, UsageError, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

/** Runs on the workspace; bad input, an unknown group or member are usage errors naming what is wrong. */
async function withPoints<T>(options: Common, work: (db: Kysely<Database>, workspaceId: number, now: number) => Promise<T>): Promise<T> {
  return withRuntime(async (runtime) => {
    const workspace = await resolveWorkspace(runtime.store.db, options.workspace);
    try {
      return await work(runtime.store.db, workspace.id, Date.now());
    } catch (error) {
      if (error instanceof InvalidPointsError || error instanceof InvalidPointsConfigError || error instanceof PointsNotFoundError || error instanceof GroupNotFoundError)
        throw new UsageError(error.message);
      throw error;
    }
  });
}

/** A member of the workspace by id or exact display name; unknown or ambiguous is a usage error. */
async function findMember(db: Kysely<Database>, workspaceId: number, ref: string): Promise<number> {
  const byId = /^\d+$/.test(ref) ? await db.selectFrom('member').select('id').where('workspace_id', '=', workspaceId).where('id', '=', Number(ref)).executeTakeFirst() : undefined;
  if (byId) return byId.id;
  const found = await db.selectFrom('member').select('id').where('workspace_id', '=', workspaceId).where('display_name', '=', ref).execute();
  if (found.length === 0) throw new UsageError(`no member ${JSON.stringify(ref)} in this workspace`);
  if (found.length > 1) throw new UsageError(`${found.length} members are named ${JSON.stringify(ref)}: give the id (${found.map((m) => m.id).join(', ')})`);
  return found[0]!.id;
}

function signedInt(value: string, what: string): number {
  if (!/^[+-]?\d+$/.test(value.trim())) throw new UsageError(`${what} is a whole number such as +10 or -5, not ${JSON.stringify(value)}`);
  const n = Number(value);
  if (n === 0) throw new UsageError(`${what} must not be 0`);
  return n;
}

function wholeNumber(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${what} is a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

function onOff(value: string, what: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new UsageError(`${what} is on or off, not ${JSON.stringify(value)}`);
}

const keywordList = (value: string) =>
  value
    .split(/[,，]/)
    .map((k) => k.trim())
    .filter(Boolean);

/** `hearth points` and `hearth checkin`: the points ledger, leaderboards and check-in settings. */
export function registerPointsCommand(program: Command): void {
  const points = program
    .command('points')
    .description("members' points: a group's monthly leaderboard, a member's ledger, an operator's adjustment")
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const common = (cmd: Command): Common => cmd.optsWithGlobals();

  points
    .command('leaderboard <group>')
    .description("a group's leaderboard for a month: points earned, check-ins, level")
    .option('--month <YYYY-MM>', "the month (default: this month in the group's time zone)")
    .option('--json', 'as JSON: {"group", "month", "lines":[{rank, memberId, name, points, checkins, earned, level, title}]}')
    .action(async (groupRef: string, opts: { month?: string; json?: boolean }, cmd: Command) => {
      if (opts.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) throw new UsageError(`--month is YYYY-MM, not ${JSON.stringify(opts.month)}`);
      const shown = await withPoints(common(cmd), async (db, workspaceId, now) => {
        const group = await findGroup(db, workspaceId, groupRef);
        const month = opts.month ?? dayIn(group.timezone, now).slice(0, 7);
        const settings = await pointsSettings(db, group.id);
        return {
          group: { id: group.id, name: group.name, enabled: settings.enabled },
          month,
          lines: await leaderboard(db, group.id, month, settings.config.levels, 50),
          language: settings.config.language,
        };
      });
      if (opts.json) return printJsonLine({ group: shown.group, month: shown.month, lines: shown.lines });
      process.stdout.write(`${shown.group.name} — ${shown.month}${shown.group.enabled ? '' : ' (points are off in this group)'}\n`);
      if (shown.lines.length === 0) process.stdout.write('no points earned this month\n');
      for (const l of shown.lines) process.stdout.write(`${l.rank}\t${l.name}\t${l.points} points\t${l.checkins} check-ins\tLv${l.level} ${l.title[shown.language]}\n`);
    });

  points
    .command('show <member>')
    .description("a member's points: balance, level and streak per group, medals, latest ledger entries")
    .option('--limit <n>', 'ledger entries to show', '20')
    .option('--json', 'as JSON: {member, balance, groups, medals, entries}')
    .action(async (memberRef: string, opts: { limit: string; json?: boolean }, cmd: Command) => {
      const limit = wholeNumber(opts.limit, '--limit');
      const shown = await withPoints(common(cmd), async (db, workspaceId, now) =>
        memberPoints(db, workspaceId, await findMember(db, workspaceId, memberRef), { groupIds: null, now, limit, levelsOf: async (g) => (await pointsSettings(db, g)).config.levels }),
      );
      if (opts.json) return printJsonLine(shown);
      process.stdout.write(`${shown.member.name} (${shown.member.id}): ${shown.balance} points\n`);
      for (const g of shown.groups) process.stdout.write(`  ${g.groupName}: ${g.balance} points, Lv${g.level} ${g.title.en}, ${g.streak}-day streak, ${g.checkins} check-ins\n`);
      for (const m of shown.medals) process.stdout.write(`  medal: ${medalName(m.medal, 'en')}${m.period ? ` (${m.period})` : ''}\n`);
      for (const e of shown.entries) process.stdout.write(`${e.at}\t${e.points > 0 ? '+' : ''}${e.points}\t${e.reason}\t${e.groupName ?? '-'}${e.note ? `\t${e.note}` : ''}\n`);
    });

  points
    .command('adjust <member> <points>')
    .description('credit (+n) or debit (-n) a member’s points with a reason; audit-logged; a debit below zero is refused')
    .requiredOption('--reason <text>', 'why (shown in the member’s ledger and the audit log)')
    .option('--group <group>', 'the group the points are for (default: not tied to a group)')
    .option('--json', 'as JSON: {entryId, balance}')
    .action(async (memberRef: string, amount: string, opts: { reason: string; group?: string; json?: boolean }, cmd: Command) => {
      const n = signedInt(amount, 'the points');
      const done = await withPoints(common(cmd), async (db, workspaceId, now) => {
        const memberId = await findMember(db, workspaceId, memberRef);
        const groupId = opts.group !== undefined ? (await findGroup(db, workspaceId, opts.group)).id : null;
        const result = await adjustPoints(db, { workspaceId, groupId, memberId, points: n, note: opts.reason, by: 'cli' }, now);
        await recordAudit(
          db,
          {
            workspaceId,
            actor: SYSTEM_ACTOR('cli'),
            action: 'points.adjusted',
            target: { kind: 'member', id: memberId },
            detail: { groupId, points: n, reason: opts.reason, balance: result.balance },
          },
          now,
        );
        return { memberId, groupId, ...result };
      });
      if (opts.json) return printJsonLine(done);
      process.stdout.write(`adjusted member ${done.memberId} by ${n > 0 ? '+' : ''}${n}: balance ${done.balance}\n`);
    });

  const checkin = program
    .command('checkin')
    .description('check-in (签到) in a group: keywords, points, streak bonus and make-up (补签)')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');

  checkin
    .command('settings [group]')
    .description("show a group's points and check-in settings, or change them with the options (--all: every group of the workspace, all or none)")
    .option('--all', 'change every group of the workspace at once')
    .option('--points-enabled <on|off>', 'points and check-in in this group')
    .option('--checkin <on|off>', 'check-in itself (points for messages go on)')
    .option('--keywords <list>', 'what members send to check in, comma-separated (签到,打卡,/checkin)')
    .option('--makeup-keywords <list>', 'what members send to make up a missed day, comma-separated')
    .option('--checkin-points <n>', 'points for a check-in')
    .option('--streak-bonus <n>', 'extra points per day of the streak after the first')
    .option('--streak-bonus-max <n>', 'the most the streak bonus adds')
    .option('--makeup-days <n>', 'a missed day may be made up within this many days (0: no make-up)')
    .option('--makeup-cost <n>', 'points a make-up costs')
    .option('--message-points <n>', 'points per message')
    .option('--message-cap <n>', 'messages a day that earn points')
    .option('--min-length <n>', 'letters or digits a message needs to earn')
    .option('--reply-points <n>', 'points per reply')
    .option('--invite-points <n>', 'points for inviting a member who joins')
    .option('--commendation <on|off>', "post the month's leaderboard and medals on the 1st")
    .option('--language <zh|en>', 'the language of replies and the commendation')
    .option('--json', 'as JSON: {groupId, enabled, config}')
    .action(async (groupRef: string | undefined, opts: Record<string, string | boolean | undefined>, cmd: Command) => {
      if ((groupRef === undefined) === (opts.all !== true)) throw new UsageError('name a group, or give --all for every group of the workspace');
      const n = (key: string, what: string) => (typeof opts[key] === 'string' ? wholeNumber(opts[key] as string, what) : undefined);
      const config: PointsConfigChanges = {};
      const checkinChanges: NonNullable<PointsConfigChanges['checkin']> = {};
      if (typeof opts.checkin === 'string') checkinChanges.enabled = onOff(opts.checkin, '--checkin');
      if (typeof opts.keywords === 'string') checkinChanges.keywords = keywordList(opts.keywords);
      if (typeof opts.makeupKeywords === 'string') checkinChanges.makeupKeywords = keywordList(opts.makeupKeywords);
      for (const [key, field, what] of [
        ['checkinPoints', 'points', '--checkin-points'],
        ['streakBonus', 'streakBonus', '--streak-bonus'],
        ['streakBonusMax', 'streakBonusMax', '--streak-bonus-max'],
        ['makeupDays', 'makeupDays', '--makeup-days'],
        ['makeupCost', 'makeupCost', '--makeup-cost'],
      ] as const) {
        const v = n(key, what);
        if (v !== undefined) checkinChanges[field] = v;
      }
      if (Object.keys(checkinChanges).length) config.checkin = checkinChanges;
      const messagePoints = n('messagePoints', '--message-points');
      const messageCap = n('messageCap', '--message-cap');
      const minLength = n('minLength', '--min-length');
      if (messagePoints !== undefined || messageCap !== undefined || minLength !== undefined)
        config.message = {
          ...(messagePoints !== undefined ? { points: messagePoints } : {}),
          ...(messageCap !== undefined ? { dailyCap: messageCap } : {}),
          ...(minLength !== undefined ? { minLength } : {}),
        };
      const replyPoints = n('replyPoints', '--reply-points');
      if (replyPoints !== undefined) config.reply = { points: replyPoints };
      const invitePoints = n('invitePoints', '--invite-points');
      if (invitePoints !== undefined) config.invite = { points: invitePoints };
      if (typeof opts.commendation === 'string') config.commendation = onOff(opts.commendation, '--commendation');
      if (typeof opts.language === 'string') {
        if (opts.language !== 'zh' && opts.language !== 'en') throw new UsageError(`--language is zh or en, not ${JSON.stringify(opts.language)}`);
        config.language = opts.language;
      }
      const enabled = typeof opts.pointsEnabled === 'string' ? onOff(opts.pointsEnabled, '--points-enabled') : undefined;
      const changing = enabled !== undefined || Object.keys(config).length > 0;
      if (opts.all === true) {
        if (!changing) throw new UsageError('--all changes settings: give at least one option to change');
        const changed = await withPoints(cmd.optsWithGlobals(), (db, workspaceId, now) =>
          db.transaction().execute(async (trx) => {
            const groups = await trx.selectFrom('chat_group').select('id').where('workspace_id', '=', workspaceId).orderBy('id').execute();
            const saved = [];
            for (const g of groups) saved.push(await savePointsSettings(trx, { id: g.id, workspaceId }, { ...(enabled !== undefined ? { enabled } : {}), config }, now));
            await recordAudit(
              trx,
              { workspaceId, actor: SYSTEM_ACTOR('cli'), action: 'points.settings', target: { kind: 'workspace', id: workspaceId }, detail: { enabled, config, groups: groups.length } },
              now,
            );
            return saved;
          }),
        );
        if (opts.json) return printJsonLine({ groups: changed });
        process.stdout.write(`changed the points settings of ${changed.length} groups\n`);
        return;
      }
      const shown = await withPoints(cmd.optsWithGlobals(), async (db, workspaceId, now) => {
        const group = await findGroup(db, workspaceId, groupRef ?? '');
        if (!changing) return pointsSettings(db, group.id);
        const saved = await savePointsSettings(db, { id: group.id, workspaceId }, { ...(enabled !== undefined ? { enabled } : {}), config }, now);
        await recordAudit(db, { workspaceId, actor: SYSTEM_ACTOR('cli'), action: 'points.settings', target: { kind: 'group', id: group.id }, detail: { enabled, config } }, now);
        return saved;
      });
      if (opts.json) return printJsonLine(shown);
      const c = shown.config;
      process.stdout.write(
        `${[
          `points: ${shown.enabled ? 'on' : 'off'}; language ${c.language}; commendation ${c.commendation ? 'on' : 'off'}`,
          `check-in: ${c.checkin.enabled ? 'on' : 'off'}; keywords ${c.checkin.keywords.join(', ')}; ${c.checkin.points} points +${c.checkin.streakBonus}/streak day (at most +${c.checkin.streakBonusMax})`,
          `make-up: ${c.checkin.makeupDays > 0 ? `within ${c.checkin.makeupDays} days for ${c.checkin.makeupCost} points (${c.checkin.makeupKeywords.join(', ')})` : 'off'}`,
          `messages: ${c.message.points} points, at most ${c.message.dailyCap} a day, ${c.message.minLength}+ characters; replies ${c.reply.points} (at most ${c.reply.dailyCap}); invitations ${c.invite.points}`,
          `levels: ${c.levels.map((l) => `${l.threshold} ${l.zh}/${l.en}`).join(' · ')}`,
        ].join('\n')}\n`,
      );
    });
}
