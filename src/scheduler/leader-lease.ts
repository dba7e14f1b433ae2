import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Whether this process may run the scheduler's time-based work right now. */
export interface Leadership {
  readonly isLeader: boolean;
  close(): Promise<void>;
}

/** Embedded mode: the one process is the leader. */
export const soleLeader: Leadership = { isLeader: true, close: async () => {} };

// Renew only while we still hold it; release only our own lease.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Leader election for scale mode: of all processes with the scheduler role, the one
 * holding a Redis lease (SET NX PX, renewed at a third of its length) runs the
 * time-based work; when it stops or dies, another takes over within one lease.
 */
export class RedisLeaderLease implements Leadership {
  readonly #redis: Redis;
  readonly #id = randomUUID();
  #leader = false;
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    redisUrl: string,
    private readonly key: string,
    private readonly leaseMs: number,
    private readonly onChange: (leader: boolean) => void,
  ) {
    this.#redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
    this.#redis.on('error', () => {}); // a lost connection shows as losing the lease
  }

  static async start(options: { redisUrl: string; key?: string; leaseMs?: number; onChange?: (leader: boolean) => void }): Promise<RedisLeaderLease> {
    const lease = new RedisLeaderLease(options.redisUrl, options.key ?? 'hearth:scheduler:leader', options.leaseMs ?? 15_000, options.onChange ?? (() => {}));
    await lease.#redis.connect();
    await lease.#tick();
    return lease;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  async #tick(): Promise<void> {
    let leader = false;
    try {
      leader = this.#leader ? (await this.#redis.eval(RENEW, 1, this.key, this.#id, String(this.leaseMs))) === 1 : (await this.#redis.set(this.key, this.#id, 'PX', this.leaseMs, 'NX')) === 'OK';
    } catch {
      leader = false;
    }
    if (leader !== this.#leader) {
      this.#leader = leader;
      this.onChange(leader);
    }
    this.#timer = setTimeout(() => void this.#tick(), Math.floor(this.leaseMs / 3));
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    if (this.#leader) await this.#redis.eval(RELEASE, 1, this.key, this.#id).catch(() => {});
    this.#leader = false;
    this.#redis.disconnect();
  }
}
