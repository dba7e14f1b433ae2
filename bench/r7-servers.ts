import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * R7's own PostgreSQL and Redis: started in a temp dir on free loopback ports, so
 * they can be stopped and started mid-run without touching anyone else's servers.
 * PostgreSQL refuses to run as root: as root, its commands run as the `postgres` OS
 * user (runuser). Redis is configured as deploy/compose.yaml configures it (an
 * append-only file, no eviction), with the append-only file synced on every write.
 */
export interface PrivateServers {
  databaseUrl: string;
  redisUrl: string;
  /** `pg_ctl stop -m fast` (connections are cut, the cluster shuts down cleanly). */
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /** `SHUTDOWN` (Redis writes its append-only file out and exits). */
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  close(): Promise<void>;
}

/** Where the PostgreSQL server programs are (the newest of /usr/lib/postgresql/<version>/bin, or HEARTH_PG_BIN), or why they cannot be used. */
export function findPostgresBin(): { bin: string } | { missing: string } {
  const candidates = process.env.HEARTH_PG_BIN
    ? [process.env.HEARTH_PG_BIN]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : [];
  const bin = candidates.find((dir) => ['initdb', 'pg_ctl', 'postgres'].every((p) => existsSync(join(dir, p))));
  return bin ? { bin } : { missing: 'no PostgreSQL server programs (initdb, pg_ctl, postgres) in /usr/lib/postgresql/*/bin or HEARTH_PG_BIN' };
}

/** Whether redis-server is on PATH. */
export async function findRedisServer(): Promise<{ bin: string } | { missing: string }> {
  try {
    const { stdout } = await run('sh', ['-c', 'command -v redis-server']);
    const bin = stdout.trim();
    if (bin) return { bin };
  } catch {
    // not found
  }
  return { missing: 'redis-server is not on PATH' };
}

/** Why R7 cannot run here, or undefined when it can. */
export async function privateServersMissing(): Promise<string | undefined> {
  const pgBin = findPostgresBin();
  const redis = await findRedisServer();
  const missing = ['missing' in pgBin && pgBin.missing, 'missing' in redis && redis.missing].filter(Boolean);
  if (missing.length > 0) return `R7 starts its own PostgreSQL and Redis: ${missing.join('; ')}`;
  if (process.getuid?.() === 0) {
    try {
      await run('id', ['-u', 'postgres']);
    } catch {
      return 'R7 runs PostgreSQL as the `postgres` OS user when run as root, and there is none';
    }
  }
  return undefined;
}

export async function startPrivateServers(): Promise<PrivateServers> {
  const pgBin = findPostgresBin();
  const redisBin = await findRedisServer();
  if ('missing' in pgBin) throw new Error(pgBin.missing);
  if ('missing' in redisBin) throw new Error(redisBin.missing);
  const root = mkdtempSync(join(tmpdir(), 'hearth-r7-'));
  const asRoot = process.getuid?.() === 0;
  // The postgres user must reach its directory inside this one.
  chmodSync(root, 0o711);
  const pgDir = join(root, 'pg');
  const pgData = join(pgDir, 'data');
  mkdirSync(pgDir, { mode: 0o700 });
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(pgDir, uid, gid);
  }
  const asPostgres = (program: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(pgBin.bin, program), ...args]) : run(join(pgBin.bin, program), args));
  const [pgPort, redisPort] = [await freePort(), await freePort()];
  await asPostgres('initdb', ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const pgOptions = `-p ${pgPort} -c listen_addresses=127.0.0.1 -k ${pgDir} -c max_connections=60 -c shared_buffers=32MB`;
  const startPostgres = async () => {
    await asPostgres('pg_ctl', ['start', '-w', '-t', '60', '-D', pgData, '-l', join(pgDir, 'server.log'), '-o', pgOptions]);
  };
  const stopPostgres = async () => {
    await asPostgres('pg_ctl', ['stop', '-w', '-t', '60', '-m', 'fast', '-D', pgData]);
  };

  const redisDir = join(root, 'redis');
  mkdirSync(redisDir);
  let redis: ChildProcess | undefined;
  let redisExited: Promise<void> = Promise.resolve();
  const startRedis = async () => {
    // As docs/deploy.md asks: nothing evicted, the append-only file on, and (what a
    // demanding operator adds) synced before each write is acknowledged.
    const child = spawn(
      redisBin.bin,
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction', '--save', ''],
      { stdio: 'ignore' },
    );
    redis = child;
    redisExited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitFor(async () => (await redisCli(redisPort, 'PING')) === 'PONG', 'Redis did not start');
  };
  const stopRedis = async () => {
    await redisCli(redisPort, 'SHUTDOWN').catch(() => undefined);
    await redisExited;
    redis = undefined;
  };

  try {
    await startPostgres();
    await startRedis();
  } catch (error) {
    redis?.kill('SIGKILL');
    await stopPostgres().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/postgres`;
  await waitFor(async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }, 'PostgreSQL did not accept connections');
  return {
    databaseUrl,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    stopPostgres,
    startPostgres,
    stopRedis,
    startRedis,
    async close() {
      if (redis) {
        redis.kill('SIGKILL');
        await redisExited;
      }
      await asPostgres('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', pgData]).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function redisCli(port: number, ...command: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...command]);
  return stdout.trim();
}

async function waitFor(check: () => Promise<boolean>, message: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${message} within ${timeoutMs / 1000} s${last instanceof Error ? `: ${last.message}` : ''}`);
    await sleep(50);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
