import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DiscordCsvSource } from './discord-csv-source.js';
import { DiscordJsonSource } from './discord-json-source.js';
import { ImportError, type ImportSource } from './import-source.js';
import { TelegramHtmlSource } from './telegram-html-source.js';
import { TelegramJsonSource } from './telegram-json-source.js';
import { WechatCsvSource } from './wechat-csv-source.js';

/** The formats `hearth import` reads. */
export const IMPORT_FORMATS = ['telegram-json', 'telegram-html', 'wechat-csv', 'discord-json', 'discord-csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

export interface SourceOptions {
  /**
   * The chat's platform id, for exports that do not carry it. telegram-html: the Bot
   * API id (e.g. -1001234567890); an HTML export is otherwise identified by its
   * title, and with this its group and keys are the ones a JSON export or the live
   * bot give. discord-csv: the channel's snowflake, when the file name lacks it.
   */
  chatId?: string;
}

/** What a directory given as a path stands for, per format. */
const FILES_IN_DIRECTORY: Record<ImportFormat, RegExp> = {
  'telegram-json': /^result\.json$/i,
  'telegram-html': /^messages\d*\.html$/i,
  'wechat-csv': /\.csv$/i,
  'discord-json': /\.json$/i,
  'discord-csv': /\.csv$/i,
};

/** The reader for a format over the given files and directories. */
export async function createImportSource(format: ImportFormat, paths: readonly string[], options: SourceOptions = {}): Promise<ImportSource> {
  if (paths.length === 0) throw new ImportError('(no path)', null, 'give at least one file or directory');
  const files: string[] = [];
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch {
      throw new ImportError(path, null, 'no such file or directory');
    }
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const inside = (await readdir(path)).filter((name) => FILES_IN_DIRECTORY[format].test(name)).sort(naturalOrder);
    if (inside.length === 0) throw new ImportError(path, null, `no ${format} files in this directory`);
    files.push(...inside.map((name) => join(path, name)));
  }
  switch (format) {
    case 'telegram-json':
      return new TelegramJsonSource(files);
    case 'telegram-html':
      return new TelegramHtmlSource(files, options.chatId);
    case 'wechat-csv':
      return new WechatCsvSource(files);
    case 'discord-json':
      return new DiscordJsonSource(files);
    case 'discord-csv':
      return new DiscordCsvSource(files, options.chatId);
  }
}

/** "2.csv" before "10.csv"; "messages.html" before "messages2.html". */
export function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}
