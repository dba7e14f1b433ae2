/**
 * A streaming CSV reader (RFC 4180: quoted fields, "" for a quote, line breaks
 * inside quotes, CRLF or LF), fed chunk by chunk. Each record comes with the line
 * it starts on. The delimiter is chosen by the caller (see `detectDelimiter`).
 */

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`${reason} (record starting at line ${line})`);
  }
}

export type CsvRecordHandler = (fields: string[], line: number) => void;

export class CsvReader {
  #delimiter: number;
  #fields: string[] = [];
  #field = '';
  /** 0: start of field; 1: unquoted field; 2: quoted field; 3: quote inside a quoted field (end or escaped quote). */
  #state = 0;
  #line = 1;
  #recordLine = 1;
  #pendingCr = false;

  constructor(
    delimiter: string,
    private readonly onRecord: CsvRecordHandler,
  ) {
    this.#delimiter = delimiter.charCodeAt(0);
  }

  write(chunk: string): void {
    const s = chunk;
    const n = s.length;
    const delim = this.#delimiter;
    let i = 0;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (s.charCodeAt(0) === 10) i = 1;
    }
    while (i < n) {
      const c = s.charCodeAt(i);
      if (this.#state === 2) {
        // Fast path through the inside of a quoted field.
        let j = i;
        while (j < n) {
          const d = s.charCodeAt(j);
          if (d === 34) break;
          if (d === 10) this.#line++;
          j++;
        }
        this.#field += s.slice(i, j);
        if (j === n) return;
        this.#state = 3;
        i = j + 1;
        continue;
      }
      if (this.#state === 3) {
        if (c === 34) {
          this.#field += '"';
          this.#state = 2;
          i++;
          continue;
        }
        if (c !== delim && c !== 10 && c !== 13) throw new CsvSyntaxError(`unexpected ${JSON.stringify(s[i])} after a closing quote`, this.#recordLine);
        this.#state = 1; // the field is complete; fall through to the delimiter/newline handling
      }
      if (c === delim) {
        this.#fields.push(this.#field);
        this.#field = '';
        this.#state = 0;
        i++;
        continue;
      }
      if (c === 10 || c === 13) {
        this.#endRecord();
        this.#line++;
        this.#recordLine = this.#line;
        if (c === 13) {
          if (i + 1 < n) {
            if (s.charCodeAt(i + 1) === 10) i++;
          } else this.#pendingCr = true;
        }
        i++;
        continue;
      }
      if (this.#state === 0 && c === 34) {
        this.#state = 2;
        i++;
        continue;
      }
      // Unquoted field text: take the run up to the next special character.
      let j = i;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d === delim || d === 10 || d === 13) break;
        j++;
      }
      this.#field += s.slice(i, j);
      this.#state = 1;
      i = j;
    }
  }

  /** The line the record being read starts on. */
  get line(): number {
    return this.#recordLine;
  }

  /** Call after the last chunk: fails when the input stops inside a quoted field. */
  end(): void {
    if (this.#state === 2) throw new CsvSyntaxError('the file ends inside a quoted field (truncated?)', this.#recordLine);
    if (this.#state !== 0 || this.#fields.length || this.#field) this.#endRecord();
  }

  #endRecord(): void {
    this.#fields.push(this.#field);
    const fields = this.#fields;
    this.#fields = [];
    this.#field = '';
    this.#state = 0;
    // A blank line is no record.
    if (fields.length === 1 && fields[0] === '') return;
    this.onRecord(fields, this.#recordLine);
  }
}

/** The delimiter of a header line: ';' (old DiscordChatExporter), tab, or ','. */
export function detectDelimiter(headerLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, headerLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}
