import { stat } from 'node:fs/promises';
import { isTimeZone } from '../core/calendar.js';
import { InvalidEventError, parseEvent, type Event } from '../core/event.js';
import type { HearthRuntime } from '../runtime/hearth-runtime.js';
import { ensureGroup } from '../store/groups.js';
import { ImportError, type ImportItem, type ImportSource, type ReadContext } from './import-source.js';
import { createImportSource, type ImportFormat, type SourceOptions } from './import-formats.js';

export interface ImportProgress {
  phase: 'checking' | 'importing';
  bytes: number;
  totalBytes: number;
  events: number;
}

export interface HistoryImportOptions extends SourceOptions {
  workspaceId: number;
  /** Zone of times written without a UTC offset; also the time zone of groups this import creates. Default UTC. */
  tz?: string;
  /** Events per `runtime.ingest` call. */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportedGroup {
  platform: string;
  externalId: string;
  title: string | null;
  events: number;
}

export interface ImportSummary {
  format: ImportFormat;
  files: number;
  groups: ImportedGroup[];
  /** Events read from the export. */
  events: number;
  /** Events new to the database. */
  stored: number;
  /** Events it already held (an earlier import of the same export, or the live bot). */
  duplicates: number;
  /** Entries not imported, by reason. */
  skipped: Record<string, number>;
}

const DEFAULT_BATCH = 2_000;

/**
 * Imports a chat export: `hearth import <format> <path...>`.
 *
 * All or nothing, in two streaming passes. `runtime.ingest` commits each batch in
 * its own transaction, and one transaction around a 100 MB import would hold the
 * SQLite write lock (and a PostgreSQL transaction) for minutes, so instead:
 *   1. the checking pass reads every file to the end and validates every entry and
 *      every event it becomes (the Event schema included), storing nothing and
 *      keeping only counts — a malformed file fails here, naming file, entry and
 *      reason, and the database is as it was;
 *   2. the storing pass reads the files again and ingests in batches.
 * Memory stays flat: neither pass holds more than a batch. Should pass 2 fail on the
 * database (disk full, connection lost) after some batches, running the import again
 * completes it: every event's dedup key comes from the export's own ids, so what was
 * stored is reported as duplicates and nothing is counted twice. The files' size and
 * modification time are checked between the passes.
 */
export async function importHistory(runtime: HearthRuntime, format: ImportFormat, paths: readonly string[], options: HistoryImportOptions): Promise<ImportSummary> {
  const tz = options.tz ?? 'UTC';
  if (!isTimeZone(tz)) throw new Error(`unknown time zone ${JSON.stringify(tz)}`);
  const source: ImportSource = await createImportSource(format, paths, options);
  const stats = await Promise.all(source.files.map(async (f) => ({ file: f, ...(await statOf(f)) })));
  const totalBytes = stats.reduce((s, f) => s + f.size, 0);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;

  // Pass 1: check everything, store nothing.
  const skipped: Record<string, number> = {};
  const groups = new Map<string, ImportedGroup>();
  let events = 0;
  let bytes = 0;
  const report = (phase: ImportProgress['phase'], n: number) => options.onProgress?.({ phase, bytes, totalBytes, events: n });
  const memo = new Map<string, unknown>();
  const check: ReadContext = {
    tz,
    pass: 1,
    memo,
    progress: (n) => {
      bytes += n;
      report('checking', events);
    },
    passOver: (reason, count = 1) => {
      skipped[reason] = (skipped[reason] ?? 0) + count;
    },
  };
  for await (const item of source.read(check)) {
    const event = validated(item);
    const key = `${event.platform}|${event.group.id}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { platform: event.platform, externalId: event.group.id, title: event.group.title ?? null, events: 0 }));
    group.events++;
    events++;
  }

  const summary: ImportSummary = { format, files: source.files.length, groups: [...groups.values()], events, stored: 0, duplicates: 0, skipped };
  if (events === 0) return summary;

  // Groups this import creates live in the export's time zone when --tz gave one,
  // so their calendar days are the days as written in the export.
  if (options.tz) {
    for (const g of groups.values()) {
      await ensureGroup(
        runtime.store.db,
        { workspaceId: options.workspaceId, platform: g.platform, externalId: g.externalId, name: g.title || g.externalId, profile: { timezone: tz } },
        runtime.clock(),
      );
    }
  }

  for (const before of stats) {
    const now = await statOf(before.file);
    if (now.size !== before.size || now.mtimeMs !== before.mtimeMs)
      throw new ImportError(before.file, null, 'the file changed while it was being imported; nothing of it was stored — run the import again');
  }

  // Pass 2: store, batch by batch.
  bytes = 0;
  let done = 0;
  const store: ReadContext = { tz, pass: 2, memo, progress: (n) => (bytes += n), passOver: () => {} };
  let batch: unknown[] = [];
  const flush = async () => {
    const results = await runtime.ingest(batch, { workspaceId: options.workspaceId, automations: false });
    for (const r of results) {
      if (r.status === 'stored') summary.stored++;
      else if (r.status === 'duplicate') summary.duplicates++;
      else throw new Error(`event ${r.dedupKey ?? '?'} was rejected on the second pass after passing the first: ${r.reason}`);
    }
    done += batch.length;
    batch = [];
    report('importing', done);
  };
  for await (const item of source.read(store)) {
    batch.push(item.event);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length) await flush();
  if (done !== events) throw new Error(`the second pass read ${done} events, the first ${events}: the export changed during the import; run it again`);
  return summary;
}

function validated(item: ImportItem): Event {
  try {
    return parseEvent(item.event);
  } catch (error) {
    if (error instanceof InvalidEventError) throw new ImportError(item.file, item.entry, error.issues.join('; '));
    throw error;
  }
}

async function statOf(file: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const s = await stat(file);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch (error) {
    throw new ImportError(file, null, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message));
  }
}
