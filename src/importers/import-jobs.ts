import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Selectable } from 'kysely';
import type { HearthRuntime } from '../runtime/hearth-runtime.js';
import type { ImportJobStatus, ImportJobTable } from '../store/schema.js';
import { importHistory, type ImportProgress, type ImportSummary } from './history-import.js';
import type { ImportFormat } from './import-formats.js';
import { ImportError } from './import-source.js';

/** The default of HEARTH_IMPORT_MAX_MB: the largest export the dashboard takes. */
export const DEFAULT_IMPORT_MAX_MB = 1024;

/** A running job that has not written its progress for this long was interrupted (the process stopped). */
export const STALE_AFTER_MS = 60_000;
/** How often a running job writes its progress (and so shows it is alive). */
const HEARTBEAT_MS = 1_000;
/** An upload folder this old belongs to an import a stopped process never finished: it is removed. */
const LEFTOVER_AFTER_MS = 24 * 3_600_000;

export interface ImportJobInfo {
  id: number;
  workspaceId: number;
  format: string;
  fileName: string;
  fileBytes: number;
  /** SHA-256 of the uploaded bytes: the same file uploaded again is recognised. */
  sha256: string;
  options: { tz?: string; chatId?: string };
  status: ImportJobStatus;
  /** Progress of the current pass: bytes read of totalBytes, events checked or stored. */
  progress: { bytes: number; totalBytes: number; events: number };
  report: ImportSummary | null;
  error: string | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface ImportUpload {
  workspaceId: number;
  format: ImportFormat;
  /** The file's name on the operator's computer (discord-csv reads the channel id from it). */
  fileName: string;
  tz?: string;
  chatId?: string;
  createdBy: string | null;
  /** The request body: the export's bytes, never held whole. */
  body: WebReadableStream<Uint8Array> | ReadableStream<Uint8Array>;
}

/** The upload went over the size limit; nothing of it was kept. */
export class UploadTooLargeError extends Error {
  override readonly name = 'UploadTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the file is larger than the ${formatLimit(maxBytes)} this server takes (HEARTH_IMPORT_MAX_MB)`);
  }
}

/** The upload was empty or broke off; nothing of it was kept. */
export class UploadFailedError extends Error {
  override readonly name = 'UploadFailedError';
}

export interface ImportJobsOptions {
  /** Where uploads wait for their import (each in a directory of its own, removed after). */
  dir: string;
  /** The largest upload, in bytes. */
  maxBytes: number;
  clock?: () => number;
  logError?: (error: Error) => void;
}

type Row = Selectable<ImportJobTable>;

/**
 * Imports started from the dashboard: `hearth import` as a job. An upload is streamed
 * to a file of its own (counted and hashed on the way; over the limit it is refused
 * and removed), recorded as a queued job, then imported by the same driver as the CLI
 * (`importHistory`: a checking pass, then a storing pass; all or nothing; the export's
 * own ids as dedup keys, so the same file twice stores nothing new). Jobs of a process
 * run one at a time; their progress is written to the row every second, so any web
 * process can show it and a job a restart cut short shows as interrupted.
 */
export class ImportJobs {
  readonly maxBytes: number;
  readonly #runtime: HearthRuntime;
  readonly #dir: string;
  readonly #clock: () => number;
  readonly #logError: (error: Error) => void;
  #queue: Promise<void> = Promise.resolve();
  #swept = false;

  constructor(runtime: HearthRuntime, options: ImportJobsOptions) {
    this.#runtime = runtime;
    this.#dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.#clock = options.clock ?? Date.now;
    this.#logError = options.logError ?? (() => {});
  }

  /**
   * Streams an upload to disk and queues its import. Throws UploadTooLargeError (the
   * limit is counted as the bytes arrive, whatever the request said) or
   * UploadFailedError; either way no file and no job are left behind.
   */
  async receive(upload: ImportUpload): Promise<ImportJobInfo> {
    if (!this.#swept) {
      this.#swept = true;
      await this.#removeLeftovers();
    }
    const folder = join(this.#dir, randomUUID());
    const file = join(folder, safeFileName(upload.fileName, upload.format));
    await mkdir(folder, { recursive: true });
    let saved: { bytes: number; sha256: string };
    try {
      saved = await saveUpload(upload.body, file, this.maxBytes);
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
    const now = this.#clock();
    const options = { ...(upload.tz ? { tz: upload.tz } : {}), ...(upload.chatId ? { chatId: upload.chatId } : {}) };
    const row = await this.#runtime.store.db
      .insertInto('import_job')
      .values({
        workspace_id: upload.workspaceId,
        format: upload.format,
        file_name: upload.fileName,
        file_bytes: saved.bytes,
        sha256: saved.sha256,
        options: JSON.stringify(options),
        status: 'queued',
        progress_bytes: 0,
        total_bytes: saved.bytes,
        events: 0,
        report: null,
        error: null,
        created_by: upload.createdBy,
        created_at: now,
        updated_at: now,
        finished_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.#queue = this.#queue.then(() => this.#run(row.id, upload, file, folder));
    return this.#present(row);
  }

  /** Resolves when every job this process queued has ended (tests, shutdown). */
  idle(): Promise<void> {
    return this.#queue;
  }

  async get(id: number): Promise<ImportJobInfo | undefined> {
    const row = await this.#runtime.store.db.selectFrom('import_job').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.#present(row);
  }

  /** A workspace's imports, newest first. */
  async list(workspaceId: number, limit = 50): Promise<ImportJobInfo[]> {
    const rows = await this.#runtime.store.db.selectFrom('import_job').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => this.#present(r));
  }

  async #run(id: number, upload: ImportUpload, file: string, folder: string): Promise<void> {
    const db = this.#runtime.store.db;
    let latest: ImportProgress | undefined;
    let written: ImportProgress | undefined;
    let writing: Promise<void> = Promise.resolve();
    const write = () => {
      const p = latest;
      writing = writing
        .then(async () => {
          await db
            .updateTable('import_job')
            .set({ ...(p ? { status: p.phase, progress_bytes: p.bytes, total_bytes: p.totalBytes, events: p.events } : {}), updated_at: this.#clock() })
            .where('id', '=', id)
            .execute();
          written = p;
        })
        .catch((error: unknown) => this.#logError(error as Error));
      return writing;
    };
    const heartbeat = setInterval(() => void write(), HEARTBEAT_MS);
    heartbeat.unref();
    const finish = async (values: { status: ImportJobStatus; report?: string; error?: string }) => {
      await writing;
      const now = this.#clock();
      await db
        .updateTable('import_job')
        .set({ ...values, ...(latest ? { progress_bytes: latest.bytes, total_bytes: latest.totalBytes, events: latest.events } : {}), updated_at: now, finished_at: now })
        .where('id', '=', id)
        .execute();
    };
    let outcome: { status: ImportJobStatus; report?: string; error?: string };
    try {
      await db.updateTable('import_job').set({ status: 'checking', updated_at: this.#clock() }).where('id', '=', id).execute();
      const summary = await importHistory(this.#runtime, upload.format, [file], {
        workspaceId: upload.workspaceId,
        ...(upload.tz ? { tz: upload.tz } : {}),
        ...(upload.chatId ? { chatId: upload.chatId } : {}),
        onProgress: (p) => {
          const phaseChanged = latest?.phase !== p.phase;
          latest = p;
          if (phaseChanged && written?.phase !== p.phase) void write();
        },
      });
      outcome = { status: 'done', report: JSON.stringify(summary) };
    } catch (error) {
      if (!(error instanceof ImportError)) this.#logError(error as Error);
      outcome = { status: 'failed', error: explain(error, file, upload.fileName) };
    }
    clearInterval(heartbeat);
    // The upload is gone before the job says it ended.
    await rm(folder, { recursive: true, force: true }).catch((e: unknown) => this.#logError(e as Error));
    await finish(outcome).catch((e: unknown) => this.#logError(e as Error));
  }

  /** Removes the uploads of imports that a stopped process left behind (a day old: no import runs that long). */
  async #removeLeftovers(): Promise<void> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    const now = Date.now();
    for (const name of names) {
      const folder = join(this.#dir, name);
      const info = await stat(folder).catch(() => undefined);
      if (info?.isDirectory() && now - info.mtimeMs > LEFTOVER_AFTER_MS) await rm(folder, { recursive: true, force: true }).catch((e: unknown) => this.#logError(e as Error));
    }
  }

  #present(r: Row): ImportJobInfo {
    const running = r.status === 'queued' || r.status === 'checking' || r.status === 'importing';
    const interrupted = running && this.#clock() - Number(r.updated_at) > STALE_AFTER_MS;
    return {
      id: r.id,
      workspaceId: r.workspace_id,
      format: r.format,
      fileName: r.file_name,
      fileBytes: Number(r.file_bytes),
      sha256: r.sha256,
      options: JSON.parse(r.options) as ImportJobInfo['options'],
      status: interrupted ? 'failed' : r.status,
      progress: { bytes: Number(r.progress_bytes), totalBytes: Number(r.total_bytes), events: Number(r.events) },
      report: r.report ? (JSON.parse(r.report) as ImportSummary) : null,
      error: interrupted ? 'the import was interrupted (the server stopped while it ran); upload the file again: what was already stored is counted as already there, nothing twice' : r.error,
      createdBy: r.created_by,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    };
  }
}

/**
 * Writes a request body to `file`, counting and hashing as it goes, and stops at the
 * first byte over `maxBytes` (the body is never held whole, and a chunked body has no
 * length to trust).
 */
export async function saveUpload(body: WebReadableStream<Uint8Array> | ReadableStream<Uint8Array>, file: string, maxBytes: number): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new UploadTooLargeError(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), counter, createWriteStream(file, { flags: 'wx' }));
  } catch (error) {
    if (error instanceof UploadTooLargeError) throw error;
    throw new UploadFailedError(`the upload broke off before the end of the file (${(error as Error).message})`);
  }
  if (bytes === 0) throw new UploadFailedError('the file is empty');
  return { bytes, sha256: hash.digest('hex') };
}

/** A file name that is safe on disk and keeps what the readers look at (extension, a channel id in a DiscordChatExporter name). */
function safeFileName(name: string, format: ImportFormat): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[^\p{L}\p{N}._ ()[\]-]/gu, '_')
    .replace(/^\.+/, '')
    .slice(-150);
  return clean || `upload.${format.endsWith('csv') ? 'csv' : format.endsWith('html') ? 'html' : 'json'}`;
}

/** What went wrong, for the operator: the uploaded file's name, the entry and the reason; never the server's paths. */
function explain(error: unknown, file: string, fileName: string): string {
  if (error instanceof ImportError) return `${fileName}${error.entry ? ` (${error.entry})` : ''}: ${error.reason.split(file).join(fileName)}; nothing of it was stored`;
  const message = error instanceof Error ? error.message.split(file).join(fileName) : String(error);
  return `the import stopped: ${message}. Upload the file again to finish it: what was stored is counted as already there, nothing twice`;
}

function formatLimit(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
