import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { decidedExamples } from '../../antispam/moderation-queue.js';
import { judgeMessage } from '../../antispam/spam-judge.js';
import { trainSpamModel } from '../../antispam/spam-model.js';
import { loadSpamModel, saveSpamModel } from '../../antispam/spam-model-store.js';
import { setSpamGuard } from '../../antispam/spam-rule.js';
import { readTrainingFile, SpamTrainingError } from '../../antispam/training-file.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { UsageError, withRuntime } from '../cli-context.js';

/** `hearth spam train <file>` and `hearth spam check`: the workspace's spam model (docs/antispam.md). */
export function registerSpamCommand(program: Command): void {
  const spam = program.command('spam').description("the workspace's spam classifier: train it on labelled messages, check messages against it");
  spam
    .command('train')
    .description(
      'train the workspace\'s model on labelled messages (CSV header label,text or JSON lines {"label","text"}; labels spam/ham); replaces the model before, stores nothing from a malformed file',
    )
    .argument('<file>', 'the labelled messages')
    .option('--format <format>', 'csv | jsonl (default: from the file name, else csv)')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { format?: string; workspace?: string; json?: boolean }) => {
      const format = opts.format ?? (/\.jsonl?$/i.test(file) ? 'jsonl' : 'csv');
      if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format takes csv or jsonl, not ${JSON.stringify(format)}`);
      const bar = progressBar();
      try {
        const examples = await readTrainingFile(file, format, (bytes, total) => bar.update('reading', bytes, total));
        const summary = await withRuntime(async (runtime) => {
          const db = runtime.store.db;
          const ws = await resolveWorkspace(db, opts.workspace);
          // Operators' confirm/overturn decisions in the moderation queue are learned too.
          const decided = await decidedExamples(db, ws.id);
          const started = Date.now();
          const model = trainSpamModel([...examples, ...decided], { onProgress: (done, total) => bar.update('training', done, total) });
          const seconds = (Date.now() - started) / 1000;
          bar.stop();
          await saveSpamModel(db, ws.id, model, Date.now());
          return { workspace: ws.slug, examples: examples.length, decisions: decided.length, spam: model.trainedOn.spam, ham: model.trainedOn.ham, seconds };
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else
          process.stdout.write(
            `trained the spam model of ${summary.workspace}: ${summary.examples} messages${summary.decisions ? ` and ${summary.decisions} moderation decisions` : ''} (${summary.spam} spam, ${summary.ham} ham) in ${summary.seconds.toFixed(1)} s\n`,
          );
      } catch (error) {
        if (error instanceof SpamTrainingError) throw new UsageError(`spam train failed, the model was not changed: ${error.message}`);
        throw error;
      } finally {
        bar.stop();
      }
    });
  for (const [name, enabled] of [
    ['on', true],
    ['off', false],
  ] as const) {
    spam
      .command(name)
      .description(enabled ? "run the spam rule in the workspace's groups: spam is deleted, its sender warned, the message queued for review" : 'stop the spam rule')
      .option('-w, --workspace <slug>', 'workspace (default: the first one)')
      .action(async (opts: { workspace?: string }) => {
        const slug = await withRuntime(async (runtime) => {
          const ws = await resolveWorkspace(runtime.store.db, opts.workspace);
          await setSpamGuard(runtime.store.db, ws.id, enabled, Date.now());
          return ws.slug;
        });
        process.stdout.write(`the spam rule is ${enabled ? 'on' : 'off'} in ${slug}\n`);
      });
  }
  spam
    .command('check')
    .description('judge messages read from stdin, one per line (JSON {"text":…} or plain text): one JSON line {verdict, score, reasons} each, in order; a broken line gets {"error":…} naming it')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)')
    .option('--json', 'read every line as JSON (a line that is not {"text":…} is an error), instead of guessing per line')
    .action(async (opts: { workspace?: string; json?: boolean }) => {
      const { model } = await withRuntime(async (runtime) => loadSpamModel(runtime.store.db, (await resolveWorkspace(runtime.store.db, opts.workspace)).id));
      const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
      let out = '';
      let n = 0;
      for await (const line of lines) {
        n++;
        const text = messageText(line, n, opts.json === true);
        out += `${JSON.stringify(typeof text === 'string' ? judgeMessage(model, text) : text)}\n`;
        if (out.length > 1 << 16) {
          if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
          out = '';
        }
      }
      process.stdout.write(out);
    });
}

/** A line's message text, or the error line that names why it has none. */
function messageText(line: string, n: number, strictJson: boolean): string | { error: string; line: number } {
  const trimmed = line.trim();
  if (!trimmed) return { error: `line ${n}: empty`, line: n };
  if (strictJson || trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { error: `line ${n}: not valid JSON`, line: n };
    }
    const text = typeof value === 'object' && value !== null ? (value as { text?: unknown }).text : undefined;
    if (typeof text !== 'string') return { error: `line ${n}: expected {"text":"…"}`, line: n };
    return text;
  }
  return line;
}

/** A progress bar on stderr when it is a terminal (reading, then training); silent otherwise. */
function progressBar(): { update: (phase: string, done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({ stream: process.stderr, format: '{phase} [{bar}] {percentage}%', hideCursor: true, clearOnComplete: true });
  let phase = '';
  let started = false;
  return {
    update(p, done, total) {
      if (phase !== p) {
        if (started) bar.stop();
        bar.start(Math.max(1, total), Math.min(done, total), { phase: p.padEnd(8) });
        started = true;
        phase = p;
      } else bar.update(Math.min(done, total), { phase: p.padEnd(8) });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
