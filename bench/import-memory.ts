/**
 * Peak memory of `hearth import telegram-json` on a large export.
 *
 *   npx tsx bench/import-memory.ts [--mb 100] [--dir /tmp] [--keep] [--json-parse]
 *
 * Writes a synthetic Telegram Desktop single-chat export of about --mb megabytes
 * (messages with entity arrays, replies, joins, non-Latin text), imports it into a
 * fresh SQLite database and samples RSS and heap every 25 ms. --json-parse also
 * measures what reading the same file with JSON.parse would take, for contrast
 * (in a child process, so the two peaks do not mix). Not part of the test suite.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importHistory } from '../src/importers/history-import.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { ensureWorkspace } from '../src/store/workspaces.js';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    dir: { type: 'string', default: tmpdir() },
    keep: { type: 'boolean', default: false },
    'json-parse': { type: 'boolean', default: false },
    'parse-only': { type: 'string' },
  },
});

const MB = 1_000_000;

// Child mode: JSON.parse the file and report the peak.
if (values['parse-only']) {
  const { readFileSync } = await import('node:fs');
  const peak = sampler();
  const data = JSON.parse(readFileSync(values['parse-only'], 'utf8')) as { messages: unknown[] };
  const stats = peak.stop();
  process.stdout.write(JSON.stringify({ messages: data.messages.length, ...stats }));
  process.exit(0);
}

const targetBytes = Number(values.mb) * MB;
const dir = mkdtempSync(join(values.dir!, 'hearth-import-bench-'));
const file = join(dir, 'result.json');

const started = performance.now();
const written = await writeExport(file, targetBytes);
const size = statSync(file).size;
log(`wrote ${(size / MB).toFixed(1)} MB, ${written.toLocaleString('en-US')} entries, in ${((performance.now() - started) / 1000).toFixed(1)} s: ${file}`);

const runtime = await HearthRuntime.open({ kind: 'sqlite', file: join(dir, 'hearth.db') });
const workspaceId = (await ensureWorkspace(runtime.store.db, 'bench')).id;
global.gc?.();
const baseline = process.memoryUsage();
const peak = sampler();
const t0 = performance.now();
let checkedAt = 0;
const summary = await importHistory(runtime, 'telegram-json', [file], {
  workspaceId,
  onProgress: (p) => {
    if (p.phase === 'importing' && !checkedAt) checkedAt = performance.now();
  },
});
const seconds = (performance.now() - t0) / 1000;
const stats = peak.stop();
await runtime.close();

const result = {
  fileMB: +(size / MB).toFixed(1),
  events: summary.events,
  stored: summary.stored,
  seconds: +seconds.toFixed(1),
  checkSeconds: +((checkedAt - t0) / 1000).toFixed(1),
  eventsPerSecond: Math.round(summary.events / seconds),
  baselineRssMB: +(baseline.rss / MB).toFixed(0),
  peakRssMB: stats.peakRssMB,
  peakHeapUsedMB: stats.peakHeapUsedMB,
};
log(JSON.stringify(result));

if (values['json-parse']) {
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, '--parse-only', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  log(`JSON.parse of the same file, for contrast: ${child.stdout || child.stderr}`);
}
if (!values.keep) rmSync(dir, { recursive: true, force: true });

function sampler() {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 25);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRssMB: Math.round(peakRss / MB), peakHeapUsedMB: Math.round(peakHeap / MB) };
    },
  };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A Telegram Desktop single-chat export, pretty-printed the way Desktop writes it, streamed to disk. */
async function writeExport(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  let size = 0;
  const write = async (s: string) => {
    size += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{\n "name": "Bench group",\n "type": "private_supergroup",\n "id": 1234567890,\n "messages": [\n');
  const words = ['hello', 'привет', 'سلام', '你好', 'cuda', 'kernel', 'thread', 'block', 'memory', 'warp', 'latency', 'throughput', '🙂', 'grid', 'shared'];
  let t = Date.UTC(2020, 0, 1) / 1000;
  let n = 0;
  let seed = 42;
  const rand = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % k;
  };
  const sentence = (len: number) => Array.from({ length: len }, () => words[rand(words.length)]).join(' ');
  while (size < bytes) {
    n++;
    t += 1 + rand(600);
    const date = new Date(t * 1000).toISOString().slice(0, 19);
    const user = 1000 + rand(500);
    let entry: Record<string, unknown>;
    if (n % 40 === 0) {
      entry = { id: n, type: 'service', date, date_unixtime: String(t), actor: `User ${user}`, actor_id: `user${user}`, action: 'join_group_by_link', inviter: 'Group', text: '', text_entities: [] };
    } else {
      const plain = sentence(8 + rand(40));
      const rich = n % 3 === 0;
      entry = {
        id: n,
        type: 'message',
        date,
        date_unixtime: String(t),
        from: `User ${user}`,
        from_id: `user${user}`,
        ...(n % 4 === 0 && n > 1 ? { reply_to_message_id: n - 1 - rand(Math.min(n - 1, 50)) } : {}),
        text: rich ? [plain, { type: 'bold', text: sentence(3) }, ' ', { type: 'link', text: 'https://example.org/x' }] : plain,
        text_entities: rich
          ? [
              { type: 'plain', text: plain },
              { type: 'bold', text: 'x' },
            ]
          : [{ type: 'plain', text: plain }],
      };
    }
    const json = JSON.stringify(entry, null, 1).replace(/\n/g, '\n  ');
    await write(`${n > 1 ? ',\n' : ''}  ${json}`);
  }
  await write('\n ]\n}\n');
  out.end();
  await once(out, 'finish');
  return n;
}
