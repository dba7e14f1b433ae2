import { CsvReader, CsvSyntaxError, detectDelimiter } from './csv-stream.js';
import { ImportError, readTextChunks } from './import-source.js';

export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * The records of a CSV file, streamed: the first is the header. The delimiter is
 * detected from the header line (',' ';' or tab).
 */
export async function* csvRecords(file: string, progress: (bytes: number) => void): AsyncGenerator<CsvRecord[]> {
  let reader: CsvReader | null = null;
  let head = '';
  let out: CsvRecord[] = [];
  const onRecord = (fields: string[], line: number) => out.push({ fields, line });
  try {
    for await (const chunk of readTextChunks(file, progress, () => (reader ? `line ${reader.line}` : null))) {
      if (!reader) {
        head += chunk;
        const nl = head.indexOf('\n');
        if (nl < 0 && head.length < 1 << 20) continue;
        reader = new CsvReader(detectDelimiter(head.slice(0, nl < 0 ? head.length : nl)), onRecord);
        reader.write(head);
        head = '';
      } else reader.write(chunk);
      if (out.length) {
        yield out;
        out = [];
      }
    }
    if (!reader) {
      if (!head.trim()) throw new ImportError(file, null, 'the file is empty');
      reader = new CsvReader(detectDelimiter(head), onRecord);
      reader.write(head);
    }
    reader.end();
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new ImportError(file, `line ${error.line}`, error.reason);
    throw error;
  }
  if (out.length) yield out;
}

/** A header cell as compared: lower case, letters and digits only ("Author ID" = "authorid"). */
export function headerKey(cell: string): string {
  return cell
    .replace(/^\ufeff/, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}
