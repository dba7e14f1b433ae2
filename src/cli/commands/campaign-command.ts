import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { MEMBER_ROLES, type MemberRole } from '../../groups/staffing-checks.js';
import { CAMPAIGN_FORMS, type CampaignForm, type CampaignInput, type RewardSpec, type Tier, type TreeNode } from '../../growth/campaigns/campaign-rules.js';
import { campaignProgress, campaignTree, createCampaign, getCampaign, listCampaigns, personalCode, rewardsOf } from '../../growth/campaigns/campaign-store.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import type { Database } from '../../store/schema.js';
import { parseTime, printJsonLine, UsageError, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

function wholeNumber(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${what} is a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * A tier as written on the command line, `threshold:kind:argument:label`:
 * `3:coupon:<coupon id>:10 off`, `20:vip:<group id>:VIP group`,
 * `5:role:<group id>/<role>:Initiator`, `200:manual:Exchange business cards`
 * (a manual tier's label is what the operator hands over).
 */
export function parseTier(raw: string): Tier {
  const [threshold, kind, ...rest] = raw.split(':');
  const fail = (why: string) => new UsageError(`--tier ${JSON.stringify(raw)}: ${why}; write threshold:kind:argument:label, e.g. 20:vip:<group id>:VIP group or 200:manual:Exchange business cards`);
  if (threshold === undefined || kind === undefined || rest.length === 0) throw fail('too few parts');
  const n = wholeNumber(threshold, `--tier ${JSON.stringify(raw)}'s threshold`);
  let reward: RewardSpec;
  let label: string;
  if (kind === 'manual') {
    label = rest.join(':').trim();
    reward = { kind: 'manual', note: label };
  } else {
    const [arg, ...labelParts] = rest;
    label = labelParts.join(':').trim();
    if (!arg || !label) throw fail('an argument and a label are needed');
    if (kind === 'coupon') reward = { kind: 'coupon', couponId: wholeNumber(arg, 'a coupon id') };
    else if (kind === 'vip') reward = { kind: 'vip_invite', groupId: wholeNumber(arg, 'a group id') };
    else if (kind === 'role') {
      const [group, role] = arg.split('/');
      if (!role || !(MEMBER_ROLES as readonly string[]).includes(role)) throw fail(`the role is one of ${MEMBER_ROLES.join(', ')}`);
      reward = { kind: 'role', groupId: wholeNumber(group ?? '', 'a group id'), role: role as MemberRole };
    } else throw fail(`unknown kind ${JSON.stringify(kind)} (coupon, vip, role, manual)`);
  }
  if (!label) throw fail('a label is needed');
  return { threshold: n, label, reward };
}

async function withCampaigns<T>(options: Common, work: (db: Kysely<Database>, workspaceId: number, now: number) => Promise<T>): Promise<T> {
  return withRuntime(async (runtime) => {
    const workspace = await resolveWorkspace(runtime.store.db, options.workspace);
    return work(runtime.store.db, workspace.id, Date.now());
  });
}

async function findMember(db: Kysely<Database>, workspaceId: number, ref: string): Promise<number> {
  const byId = /^\d+$/.test(ref) ? await db.selectFrom('member').select('id').where('workspace_id', '=', workspaceId).where('id', '=', Number(ref)).executeTakeFirst() : undefined;
  if (byId) return byId.id;
  const found = await db.selectFrom('member').select('id').where('workspace_id', '=', workspaceId).where('display_name', '=', ref).execute();
  if (found.length === 0) throw new UsageError(`no member ${JSON.stringify(ref)} in this workspace`);
  if (found.length > 1) throw new UsageError(`${found.length} members are named ${JSON.stringify(ref)}: give the id (${found.map((m) => m.id).join(', ')})`);
  return found[0]!.id;
}

/** `hearth campaign`: fission campaigns, their personal codes, progress and invite tree. */
export function registerCampaignCommand(program: Command): void {
  const campaign = program
    .command('campaign')
    .description('fission campaigns: invite N friends or share a poster, counted with fraud rules, rewards by tier')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const common = (cmd: Command): Common => cmd.optsWithGlobals();

  campaign
    .command('add <name>')
    .description("create a campaign over --groups and/or --sets with a --goal; prints the campaign's id last")
    .option('--form <form>', `${CAMPAIGN_FORMS.join(' or ')}`, 'invite')
    .option('--groups <ids>', 'target group ids, comma-separated')
    .option('--sets <names>', 'target group sets, comma-separated')
    .option('--goal <n>', 'friends to invite')
    .option('--fraud-hours <h>', 'a friend who leaves within this many hours does not count', '72')
    .option('--speak-within <h>', 'a friend counts only after speaking, and never if silent this many hours')
    .option(
      '--tier <threshold:kind:arg:label>',
      'a reward tier (repeat): 3:coupon:<id>:label, 20:vip:<group id>:label, 5:role:<group id>/<role>:label, 200:manual:label',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .option('--language <zh|en>', 'what members are told in', 'zh')
    .option('--start <iso-time>', 'when it starts (default: now)')
    .option('--end <iso-time>', 'when it ends (default: open)')
    .action(
      async (
        name: string,
        opts: { form: string; groups?: string; sets?: string; goal?: string; fraudHours: string; speakWithin?: string; tier: string[]; language: string; start?: string; end?: string },
        cmd: Command,
      ) => {
        if (!(CAMPAIGN_FORMS as readonly string[]).includes(opts.form)) throw new UsageError(`--form is ${CAMPAIGN_FORMS.join(' or ')}, not ${JSON.stringify(opts.form)}`);
        if (opts.goal === undefined) throw new UsageError('--goal is needed: how many friends to invite');
        if (opts.groups === undefined && opts.sets === undefined) throw new UsageError('give the target groups: --groups and/or --sets');
        if (opts.language !== 'zh' && opts.language !== 'en') throw new UsageError(`--language is zh or en, not ${JSON.stringify(opts.language)}`);
        const input: CampaignInput = {
          name,
          form: opts.form as CampaignForm,
          targets: {
            ...(opts.groups !== undefined ? { groups: list(opts.groups).map((g) => wholeNumber(g, 'a group id')) } : {}),
            ...(opts.sets !== undefined ? { sets: list(opts.sets) } : {}),
          },
          goal: wholeNumber(opts.goal, '--goal'),
          fraudHours: wholeNumber(opts.fraudHours, '--fraud-hours'),
          speakWithinHours: opts.speakWithin !== undefined ? wholeNumber(opts.speakWithin, '--speak-within') : null,
          tiers: opts.tier.map(parseTier),
          language: opts.language,
          ...(opts.start !== undefined ? { startsAt: new Date(parseTime(opts.start, '--start')).toISOString() } : {}),
          ...(opts.end !== undefined ? { endsAt: new Date(parseTime(opts.end, '--end')).toISOString() } : {}),
        };
        const created = await withCampaigns(common(cmd), (db, workspaceId, now) => createCampaign(db, workspaceId, input, 'cli', now));
        process.stdout.write(`created campaign ${created.name} (goal ${created.goal}, ${created.tiers.length} tiers): ${created.id}\n`);
      },
    );

  campaign
    .command('list')
    .description("the workspace's campaigns, newest first")
    .option('--json', 'as JSON: {"campaigns":[…]}')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const campaigns = await withCampaigns(common(cmd), (db, workspaceId, now) => listCampaigns(db, workspaceId, now));
      if (opts.json) return printJsonLine({ campaigns });
      for (const c of campaigns)
        process.stdout.write(
          `${c.id}\t${c.name}\t${c.form}\tgoal ${c.goal}\t${c.participants} taking part\t${c.counted}/${c.friends} friends counted\t${c.completed} completed${c.running ? '' : '\tnot running'}\n`,
        );
    });

  campaign
    .command('show <id>')
    .description('a campaign, each member’s progress (top inviters first) and the rewards')
    .option('--json', 'as JSON: the campaign with "progress":[…] and "rewards":[…]')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const shown = await withCampaigns(common(cmd), async (db, workspaceId, now) => {
        const c = await getCampaign(db, workspaceId, wholeNumber(id, 'a campaign id'));
        return { ...c, progress: await campaignProgress(db, c, now), rewards: await rewardsOf(db, c.id) };
      });
      if (opts.json) return printJsonLine(shown);
      process.stdout.write(
        `${shown.name} (${shown.form}): invite ${shown.goal}, fraud window ${shown.fraudHours} h${shown.speakWithinHours !== null ? `, must speak within ${shown.speakWithinHours} h` : ''}\n`,
      );
      for (const t of shown.tiers) process.stdout.write(`  tier ${t.threshold}: ${t.label} (${t.reward.kind})\n`);
      for (const p of shown.progress) process.stdout.write(`${p.memberId}\t${p.name}\t${p.counted}/${p.goal}\t${p.friends} joined${p.completed ? '\tcompleted' : ''}${p.code ? `\t${p.code}` : ''}\n`);
      for (const r of shown.rewards) process.stdout.write(`reward ${r.id}\t${r.memberName}\t${r.label}\t${r.clawedBackAt !== null ? `clawed back (${r.clawbackNote ?? ''})` : 'granted'}\n`);
    });

  campaign
    .command('tree <id>')
    .description('the invite tree: who invited whom, and whether each friend counts')
    .option('--json', 'as JSON: {"roots":[{memberId, name, depth, status, counted, children}], depth, members}')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const tree = await withCampaigns(common(cmd), async (db, workspaceId, now) => campaignTree(db, await getCampaign(db, workspaceId, wholeNumber(id, 'a campaign id')), now));
      if (opts.json) return printJsonLine(tree);
      const print = (n: TreeNode) => {
        process.stdout.write(`${'  '.repeat(n.depth)}${n.name} (#${n.memberId})${n.status ? ` ${n.status}` : ''}${n.counted > 0 ? `, ${n.counted} counted` : ''}\n`);
        n.children.forEach(print);
      };
      tree.roots.forEach(print);
    });

  campaign
    .command('code <id> <member>')
    .description("a member's personal code in the campaign (id or exact name), made once; prints the code last")
    .action(async (id: string, member: string, _opts: unknown, cmd: Command) => {
      const made = await withCampaigns(common(cmd), async (db, workspaceId, now) =>
        personalCode(db, await getCampaign(db, workspaceId, wholeNumber(id, 'a campaign id')), await findMember(db, workspaceId, member), now),
      );
      process.stdout.write(`${made.created ? 'issued' : 'existing'} code for group ${made.groupId}, link /j/${made.code}: ${made.code}\n`);
    });
}
