import { fillTemplate } from '../../shared/fill-template.js';
import { POSTER_HEIGHT, POSTER_WIDTH, type PosterDesign } from '../../shared/poster-records.js';

/** A line's width in pixels at a size and weight: the renderer measures with the canvas, tests with a stand-in. */
export type MeasureText = (text: string, size: number, weight: 'regular' | 'bold') => number;

/** One line of text to draw: `x` is its left edge (or its centre when centred), `y` its top. */
export interface PosterLine {
  text: string;
  x: number;
  y: number;
  size: number;
  weight: 'regular' | 'bold';
  align: 'left' | 'center';
}

export interface PosterLayout {
  lines: PosterLine[];
  /** The box the title and body lines occupy (their text area). */
  textArea: { x: number; y: number; width: number; height: number };
  /** Lines that did not fit above the QR code (or the poster's foot) and were cut, the last one ending in "…". */
  truncated: boolean;
  qr: { x: number; y: number; size: number };
  memberName: PosterLine;
}

/** What a poster's variables are filled with. */
export interface PosterValues {
  member: string;
  campaign: string;
  group: string;
}

export const POSTER_MARGIN = 80;
export const LINE_HEIGHT = 1.3;
const ELLIPSIS = '…';

/** Punctuation that never starts a line (it stays with the character before it). */
const NO_LINE_START = new Set([...'，。、！？；：）」』》】〉”’,.!?;:)]}%…～·-']);
/** Punctuation that never ends a line (it goes with the character after it). */
const NO_LINE_END = new Set([...'（「『《【〈“‘([{']);
/** Han, kana, hangul, CJK punctuation and full-width forms: a line may break before or after any of these. */
const CJK = /[\u2E80-\u2FFF\u3000-\u30FF\u3100-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]/u;

/**
 * Splits a paragraph into the pieces a line may break between: each CJK character, a
 * run of other letters (a word), a run of spaces. Closing punctuation is glued to the
 * piece before it and opening punctuation to the piece after it.
 */
export function breakPieces(paragraph: string): string[] {
  const raw =
    paragraph.match(
      new RegExp(`${CJK.source}|\\s+|[^\\s\\u2E80-\\u2FFF\\u3000-\\u30FF\\u3100-\\u31FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uAC00-\\uD7AF\\uF900-\\uFAFF\\uFE30-\\uFE4F\\uFF00-\\uFFEF]+`, 'gu'),
    ) ?? [];
  const pieces: string[] = [];
  let carry = '';
  for (const piece of raw) {
    if (pieces.length > 0 && carry === '' && NO_LINE_START.has(piece[0]!) && !/\s/.test(pieces[pieces.length - 1]!)) {
      pieces[pieces.length - 1] += piece;
      continue;
    }
    if (piece.length === 1 && NO_LINE_END.has(piece)) {
      carry += piece;
      continue;
    }
    pieces.push(carry + piece);
    carry = '';
  }
  if (carry !== '') pieces.push(carry);
  return pieces;
}

/**
 * Wraps text to a width: Chinese breaks between characters, English between words
 * (a word wider than the line is cut by characters); an explicit newline starts a new
 * line and a blank one leaves an empty line.
 *
 * @example wrapText('扫码入群 Scan to join', 200, size, 'regular', measure)
 */
export function wrapText(text: string, maxWidth: number, size: number, weight: 'regular' | 'bold', measure: MeasureText): string[] {
  const fits = (s: string) => measure(s, size, weight) <= maxWidth;
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = '';
    for (const piece of breakPieces(paragraph)) {
      const isSpace = /^\s+$/.test(piece);
      if (line === '' && isSpace) continue;
      if (fits((line + piece).trimEnd())) {
        line += piece;
        continue;
      }
      if (line.trim() !== '') lines.push(line.trimEnd());
      line = '';
      if (isSpace) continue;
      // A piece wider than a whole line: cut it by characters.
      let rest = piece;
      while (!fits(rest)) {
        let cut = 1;
        const chars = [...rest];
        while (cut < chars.length && fits(chars.slice(0, cut + 1).join(''))) cut++;
        lines.push(chars.slice(0, cut).join(''));
        rest = chars.slice(cut).join('');
      }
      line = rest;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Shortens a line with "…" until it fits. */
export function ellipsize(text: string, maxWidth: number, size: number, weight: 'regular' | 'bold', measure: MeasureText): string {
  if (measure(text, size, weight) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 0 && measure(chars.join('').trimEnd() + ELLIPSIS, size, weight) > maxWidth) chars.pop();
  return chars.join('').trimEnd() + ELLIPSIS;
}

/**
 * Where everything goes on the poster, before anything is drawn: the title (bold) and
 * body with their variables filled and wrapped to the poster's width between margins,
 * stopping above the QR code when it is below them (or at the poster's foot); the
 * member's name centred on its point and cut to the poster's width.
 */
export function layoutPoster(design: PosterDesign, values: PosterValues, measure: MeasureText): PosterLayout {
  const vars = { member: values.member, campaign: values.campaign, group: values.group };
  const width = POSTER_WIDTH - 2 * POSTER_MARGIN;
  const x = design.align === 'center' ? POSTER_WIDTH / 2 : POSTER_MARGIN;
  const qrBelow = design.qr.y > design.textTop;
  const bottom = qrBelow ? design.qr.y - 40 : POSTER_HEIGHT - POSTER_MARGIN;
  const lines: PosterLine[] = [];
  let y = design.textTop;
  let truncated = false;
  const place = (text: string, size: number, weight: 'regular' | 'bold') => {
    for (const line of wrapText(fillTemplate(text, vars), width, size, weight, measure)) {
      const height = Math.round(size * LINE_HEIGHT);
      if (truncated) return;
      if (y + height > bottom) {
        truncated = true;
        const last = lines[lines.length - 1];
        if (last) last.text = ellipsize(`${last.text}${ELLIPSIS}`, width, last.size, last.weight, measure);
        return;
      }
      lines.push({ text: line, x, y, size, weight, align: design.align });
      y += height;
    }
  };
  if (design.title.trim() !== '') place(design.title, design.titleSize, 'bold');
  if (design.title.trim() !== '' && design.body.trim() !== '') y += Math.round(design.bodySize * 0.6);
  if (design.body.trim() !== '') place(design.body, design.bodySize, 'regular');
  const used = lines.length > 0 ? lines[lines.length - 1]!.y + Math.round(lines[lines.length - 1]!.size * LINE_HEIGHT) - design.textTop : 0;
  const nameRoom = 2 * Math.min(design.memberName.x, POSTER_WIDTH - design.memberName.x) - 20;
  return {
    lines,
    textArea: { x: POSTER_MARGIN, y: design.textTop, width, height: used },
    truncated,
    qr: design.qr,
    memberName: {
      text: nameRoom > design.memberName.size ? ellipsize(values.member, nameRoom, design.memberName.size, 'bold', measure) : '',
      x: design.memberName.x,
      y: design.memberName.y,
      size: design.memberName.size,
      weight: 'bold',
      align: 'center',
    },
  };
}
