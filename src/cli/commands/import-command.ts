import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { isTimeZone } from '../../core/calendar.js';
import { importHistory, type ImportProgress, type ImportSummary } from '../../importers/history-import.js';
import { IMPORT_FORMATS, isImportFormat } from '../../importers/import-formats.js';
import { ImportError } from '../../importers/import-source.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { UsageError, withRuntime } from '../cli-context.js';

/** `hearth import <format> <path...> [--workspace W] [--tz ZONE]` (ARCHITECTURE.md, public interface). */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(`import a chat export's history (${IMPORT_FORMATS.join(', ')}); re-importing adds nothing, a malformed file stores nothing`)
    .argument('<format>', IMPORT_FORMATS.join(' | '))
    .argument('<path...>', 'export files, or directories holding them (telegram-html: the folder of messages*.html pages)')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)')
    .option('--tz <zone>', 'time zone of times written without a UTC offset, e.g. Europe/Moscow (default UTC); groups this import creates get it too')
    .option('--chat-id <id>', "the chat's platform id when the export lacks it (telegram-html: Bot API id like -1001234567890; discord-csv: channel id)")
    .option('--json', 'print the summary as JSON')
    .action(async (format: string, paths: string[], opts: { workspace?: string; tz?: string; chatId?: string; json?: boolean }) => {
      if (!isImportFormat(format)) throw new UsageError(`unknown format ${JSON.stringify(format)}: use one of ${IMPORT_FORMATS.join(', ')}`);
      if (opts.tz !== undefined && !isTimeZone(opts.tz)) throw new UsageError(`--tz takes an IANA time zone such as Asia/Shanghai, not ${JSON.stringify(opts.tz)}`);
      const bar = progressBar();
      let summary: ImportSummary;
      try {
        summary = await withRuntime(async (runtime) => {
          const workspace = await resolveWorkspace(runtime.store.db, opts.workspace);
          return importHistory(runtime, format, paths, {
            workspaceId: workspace.id,
            ...(opts.tz !== undefined ? { tz: opts.tz } : {}),
            ...(opts.chatId !== undefined ? { chatId: opts.chatId } : {}),
            onProgress: bar.update,
          });
        });
      } catch (error) {
        if (error instanceof ImportError) throw new UsageError(`import failed, nothing of it was stored: ${error.message}`);
        throw error;
      } finally {
        bar.stop();
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else process.stdout.write(formatSummary(summary));
    });
}

/** The end-of-import report: groups, events stored, duplicates, what was skipped. */
export function formatSummary(s: ImportSummary): string {
  const lines = [
    `imported ${s.format} (${s.files} file${s.files === 1 ? '' : 's'}): ${s.groups.length} group${s.groups.length === 1 ? '' : 's'}, ${s.events} events read, ${s.stored} stored, ${s.duplicates} already there`,
  ];
  for (const g of s.groups) lines.push(`  ${g.title ?? g.externalId} (${g.platform} ${g.externalId}): ${g.events} events`);
  const skipped = Object.entries(s.skipped);
  if (skipped.length) lines.push(`  not imported: ${skipped.map(([reason, n]) => `${n} ${reason}`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

/** A progress bar on stderr when it is a terminal; silent otherwise (pipes, CI, tests). */
function progressBar(): { update: (p: ImportProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({ stream: process.stderr, format: '{phase} [{bar}] {percentage}% | {mb}/{totalMb} MB | {events} events', hideCursor: true, clearOnComplete: false });
  let started = false;
  let phase = '';
  return {
    update(p) {
      const payload = { phase: p.phase.padEnd(9), mb: (p.bytes / 1e6).toFixed(1), totalMb: (p.totalBytes / 1e6).toFixed(1), events: p.events };
      if (!started || phase !== p.phase) {
        if (started) bar.stop();
        bar.start(Math.max(1, p.totalBytes), Math.min(p.bytes, p.totalBytes), payload);
        started = true;
        phase = p.phase;
      } else bar.update(Math.min(p.bytes, p.totalBytes), payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
