import { stat } from 'node:fs/promises';
import { csvRecords } from '../importers/csv-records.js';
import { ImportError, readTextChunks } from '../importers/import-source.js';
import type { LabelledText } from './spam-model.js';

/** A training file that cannot be read as labelled messages: names the file and the line. */
export class SpamTrainingError extends Error {
  override readonly name = 'InvalidSpamTraining';
}

export type TrainingFormat = 'csv' | 'jsonl';

/** The longest message text kept for training; longer ones are cut (spam is short). */
const MAX_TEXT = 4000;

function label(value: unknown, file: string, line: number): 'spam' | 'ham' {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (v === 'spam' || v === '1' || v === 1) return 'spam';
  if (v === 'ham' || v === '0' || v === 0) return 'ham';
  throw new SpamTrainingError(`${file} line ${line}: the label is ${JSON.stringify(value)}; use spam or ham`);
}

/**
 * Reads a whole training file (CSV with header `label,text`, or JSON lines
 * `{"label","text"}`) and checks every line before returning: one bad line fails it
 * all, so nothing is trained on part of a file. Labels `spam`/`ham` (or 1/0).
 */
export async function readTrainingFile(file: string, format: TrainingFormat, onBytes: (bytes: number, total: number) => void = () => {}): Promise<LabelledText[]> {
  let total = 0;
  try {
    total = (await stat(file)).size;
  } catch {
    throw new SpamTrainingError(`${file}: no such file`);
  }
  const out: LabelledText[] = [];
  try {
    if (format === 'csv') {
      let header: string[] | null = null;
      let labelAt = 0;
      let textAt = 1;
      for await (const records of csvRecords(file, (b) => onBytes(b, total))) {
        for (const { fields, line } of records) {
          if (header === null) {
            header = fields.map((f) => f.trim().toLowerCase());
            labelAt = header.indexOf('label');
            textAt = header.indexOf('text');
            if (labelAt < 0 || textAt < 0) throw new SpamTrainingError(`${file} line ${line}: the header must name the columns label and text, not ${JSON.stringify(fields.join(','))}`);
            continue;
          }
          if (fields.length === 1 && fields[0] === '') continue;
          if (fields.length !== header.length) throw new SpamTrainingError(`${file} line ${line}: ${fields.length} fields where the header has ${header.length}`);
          out.push({ label: label(fields[labelAt], file, line), text: (fields[textAt] as string).slice(0, MAX_TEXT) });
        }
      }
      if (header === null) throw new SpamTrainingError(`${file}: the file is empty`);
    } else {
      let rest = '';
      let line = 0;
      const take = (raw: string) => {
        line++;
        if (!raw.trim()) return;
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          throw new SpamTrainingError(`${file} line ${line}: not a JSON object`);
        }
        if (typeof value !== 'object' || value === null || typeof (value as { text?: unknown }).text !== 'string')
          throw new SpamTrainingError(`${file} line ${line}: expected {"label":"spam"|"ham","text":"…"}`);
        const v = value as { label?: unknown; text: string };
        out.push({ label: label(v.label, file, line), text: v.text.slice(0, MAX_TEXT) });
      };
      for await (const chunk of readTextChunks(file, (b) => onBytes(b, total))) {
        rest += chunk;
        let nl = rest.indexOf('\n');
        while (nl >= 0) {
          take(rest.slice(0, nl));
          rest = rest.slice(nl + 1);
          nl = rest.indexOf('\n');
        }
      }
      if (rest) take(rest);
    }
  } catch (error) {
    if (error instanceof ImportError) throw new SpamTrainingError(error.message);
    throw error;
  }
  if (out.length === 0) throw new SpamTrainingError(`${file}: no labelled messages`);
  if (!out.some((e) => e.label === 'spam') || !out.some((e) => e.label === 'ham')) throw new SpamTrainingError(`${file}: needs both spam and ham examples to learn from`);
  return out;
}
