import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { CouponValue } from '../../conversion/coupons/coupon-rules.js';
import { claimCoupon, CouponRefusedError, createCoupon, getCoupon, listClaims, listCoupons, redeemClaim } from '../../conversion/coupons/coupon-store.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import type { CouponRecord } from '../../shared/coupon-records.js';
import type { Database } from '../../store/schema.js';
import { parseTime, printJsonLine, UsageError, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

function wholeNumber(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${what} is a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** A member of the workspace by id or exact display name; an unknown or ambiguous name is a usage error. */
async function findMember(db: Kysely<Database>, workspaceId: number, ref: string): Promise<number> {
  const byId = /^\d+$/.test(ref) ? await db.selectFrom('member').select('id').where('workspace_id', '=', workspaceId).where('id', '=', Number(ref)).executeTakeFirst() : undefined;
  if (byId) return byId.id;
  const found = await db.selectFrom('member').select('id').where('workspace_id', '=', workspaceId).where('display_name', '=', ref).execute();
  if (found.length === 0) throw new UsageError(`no member ${JSON.stringify(ref)} in this workspace`);
  if (found.length > 1) throw new UsageError(`${found.length} members are named ${JSON.stringify(ref)}: give the id (${found.map((m) => m.id).join(', ')})`);
  return found[0]!.id;
}

/** Runs a coupon operation on the workspace; a refused claim or redemption is a usage error naming the reason. */
async function withCoupons<T>(options: Common, work: (db: Kysely<Database>, workspaceId: number, now: number) => Promise<T>): Promise<T> {
  return withRuntime(async (runtime) => {
    const workspace = await resolveWorkspace(runtime.store.db, options.workspace);
    try {
      return await work(runtime.store.db, workspace.id, Date.now());
    } catch (error) {
      if (error instanceof CouponRefusedError) throw new UsageError(`refused: ${error.reason}`);
      throw error;
    }
  });
}

/** "1999 CNY" or "15.00%" (from basis points, by integer arithmetic). */
function valueText(coupon: CouponRecord): string {
  const v = coupon.value;
  return v.kind === 'amount' ? `${v.amountMinor} ${v.currency} minor units` : `${Math.trunc(v.basisPoints / 100)}.${String(v.basisPoints % 100).padStart(2, '0')}% off`;
}

/** `hearth coupon`: coupons and offers, claimed for members and redeemed by an operator. */
export function registerCouponCommand(program: Command): void {
  const coupon = program
    .command('coupon')
    .description('coupons and offers: stock, per-member limits, expiry; claim for a member, redeem once')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const common = (cmd: Command): Common => cmd.optsWithGlobals();

  coupon
    .command('add <title>')
    .description("create a coupon worth --amount (minor units) with --currency, or --percent-bp basis points off; prints the coupon's id last")
    .option('--amount <minor-units>', 'a fixed amount in integer minor units (1999 CNY is ¥19.99)')
    .option('--currency <ISO-4217>', 'the amount’s currency, e.g. CNY')
    .option('--percent-bp <basis-points>', 'a share off in basis points (1500 is 15%)')
    .option('--code <code>', 'the code members present (default: a fresh random one)')
    .option('--stock <n>', 'units on offer (default: unlimited)')
    .option('--per-member <n>', 'claims one member may hold', '1')
    .option('--until <iso-time>', 'the coupon expires at this time')
    .option('--single-use', 'each claim gets its own code (default: every claim carries the coupon’s code)')
    .action(
      async (title: string, opts: { amount?: string; currency?: string; percentBp?: string; code?: string; stock?: string; perMember: string; until?: string; singleUse?: boolean }, cmd: Command) => {
        if ((opts.amount === undefined) === (opts.percentBp === undefined)) throw new UsageError('give either --amount with --currency, or --percent-bp');
        const value: CouponValue =
          opts.amount !== undefined
            ? { kind: 'amount', amountMinor: wholeNumber(opts.amount, '--amount'), currency: opts.currency ?? '' }
            : { kind: 'percent', basisPoints: wholeNumber(opts.percentBp ?? '', '--percent-bp') };
        const created = await withCoupons(common(cmd), (db, workspaceId, now) =>
          createCoupon(
            db,
            {
              workspaceId,
              ...(opts.code ? { code: opts.code } : {}),
              title,
              uses: opts.singleUse ? 'single' : 'multi',
              value,
              stock: opts.stock !== undefined ? wholeNumber(opts.stock, '--stock') : null,
              perMemberLimit: wholeNumber(opts.perMember, '--per-member'),
              expiresAt: opts.until !== undefined ? parseTime(opts.until, '--until') : null,
              createdBy: 'cli',
            },
            now,
          ),
        );
        process.stdout.write(`created coupon ${created.code} (${valueText(created)}): ${created.id}\n`);
      },
    );

  coupon
    .command('list')
    .description("the workspace's coupons, newest first")
    .option('--json', 'as JSON: {"coupons":[…]}')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const coupons = await withCoupons(common(cmd), (db, workspaceId, now) => listCoupons(db, workspaceId, now));
      if (opts.json) return printJsonLine({ coupons });
      for (const c of coupons) {
        const stock = c.stock === null ? `${c.claimed} claimed` : `${c.remaining}/${c.stock} left`;
        process.stdout.write(`${c.id}\t${c.code}\t${c.title}\t${valueText(c)}\t${stock}\t${c.redeemed} redeemed${c.expired ? '\texpired' : ''}\n`);
      }
    });

  coupon
    .command('show <id>')
    .description('a coupon and its claims')
    .option('--json', 'as JSON: the coupon with "claims":[{id, member, code, claimedAt, redeemedAt}]')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const shown = await withCoupons(common(cmd), async (db, workspaceId, now) => {
        const c = await getCoupon(db, workspaceId, wholeNumber(id, 'a coupon id'), now);
        return { ...c, claims: await listClaims(db, c.id) };
      });
      if (opts.json) return printJsonLine(shown);
      process.stdout.write(`${shown.title} ${shown.code} (${valueText(shown)}), ${shown.stock === null ? 'unlimited' : `${shown.remaining}/${shown.stock} left`}\n`);
      for (const k of shown.claims) process.stdout.write(`${k.id}\t${k.member.name}\t${k.code}\t${k.redeemedAt ? `redeemed ${k.redeemedAt}` : 'not redeemed'}\n`);
    });

  coupon
    .command('claim <id> <member>')
    .description("grant a unit of the coupon to a member (id or exact name); prints the claim's id last")
    .action(async (id: string, member: string, _opts: unknown, cmd: Command) => {
      const claim = await withCoupons(common(cmd), async (db, workspaceId, now) =>
        claimCoupon(db, { workspaceId, couponId: wholeNumber(id, 'a coupon id'), memberId: await findMember(db, workspaceId, member), by: 'cli' }, now),
      );
      process.stdout.write(`claimed ${claim.code} for ${claim.member.name}: ${claim.id}\n`);
    });

  coupon
    .command('redeem <id> <claim>')
    .description('redeem a claim of the coupon, once')
    .action(async (id: string, claimId: string, _opts: unknown, cmd: Command) => {
      const claim = await withCoupons(common(cmd), (db, workspaceId, now) =>
        redeemClaim(db, { workspaceId, couponId: wholeNumber(id, 'a coupon id'), claimId: wholeNumber(claimId, 'a claim id'), by: 'cli' }, now),
      );
      process.stdout.write(`redeemed ${claim.code} for ${claim.member.name}: ${claim.id}\n`);
    });
}
