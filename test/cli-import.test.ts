import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DATA = fileURLToPath(new URL('../../shared/data/tg-json-cuda-study-group-fa/', import.meta.url));
const hasData = existsSync(join(DATA, 'result.json'));
if (!hasData) console.log(`[hearth tests] skipping the CLI import test: ${DATA} is absent`);

const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cli-import-'));
const env = { ...process.env, HEARTH_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };
const hearth = async (...args: string[]) => (await run('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 })).stdout;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.runIf(hasData)('hearth import, then hearth metrics --json (the public interface end to end)', { timeout: 120_000 }, () => {
  it('prints the reference figures of a real Telegram export, and a second import changes nothing', async () => {
    const [ref] = JSON.parse(readFileSync(join(DATA, 'reference_figures.json'), 'utf8')) as Record<string, number & string>[];
    await hearth('import', 'telegram-json', join(DATA, 'result.json'));
    const first = JSON.parse(await hearth('metrics', '--json')) as { groups: Record<string, unknown>[] };
    expect(first.groups).toHaveLength(1);
    expect(first.groups[0]).toMatchObject({
      platform: 'telegram',
      messages: ref!.messages,
      senders: ref!.distinct_senders,
      joins: ref!.joins,
      leaves: ref!.leaves,
      replies: ref!.replies,
      activeDays: ref!.active_days,
      longestSilenceHours: ref!.longest_gap_hours,
      top20Share: ref!.top20pct_share_of_messages,
      firstMessageAt: `${ref!.first_message}.000Z`,
      lastMessageAt: `${ref!.last_message}.000Z`,
    });
    await hearth('import', 'telegram-json', join(DATA, 'result.json'));
    expect(JSON.parse(await hearth('metrics', '--json'))).toEqual(first);
  });
});
