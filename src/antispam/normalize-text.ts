/**
 * Text normalisation that sees through the usual disguises of group spam: full-width
 * and circled forms (NFKC), zero-width and direction marks, look-alike letters from
 * Cyrillic and Greek, Chinese numerals and circled digits standing for digits, and
 * characters spaced out or separated by emoji and punctuation ("加 v ❤ 1 2 3").
 * Pure: no I/O.
 */

/** Zero-width, joiner, direction and other invisible format characters. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u061c]/gu;

/** Letters that look like Latin ones (Cyrillic, Greek) and digits written as Chinese numerals. */
const LOOKALIKE: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  零: '0',
  〇: '0',
  壹: '1',
  贰: '2',
  叁: '3',
  肆: '4',
  伍: '5',
  陆: '6',
  柒: '7',
  捌: '8',
  玖: '9',
};

/** Cyrillic letters only map to Latin ones inside a word that also has Latin letters, or looks like one. */
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /[a-z]/;

/**
 * The canonical form features are read from: NFKC, lower case, invisibles removed,
 * look-alikes folded where a word mixes scripts (a Russian word stays Russian).
 */
export function normalizeText(text: string): string {
  let s = text.normalize('NFKC').toLowerCase().replace(INVISIBLE, '');
  s = s.replace(/[\p{L}\p{N}]+/gu, (word) => {
    const mixed = CYRILLIC.test(word) && LATIN.test(word);
    let out = '';
    for (const ch of word) {
      const mapped = LOOKALIKE[ch];
      if (mapped === undefined || (CYRILLIC.test(ch) && !mixed)) out += ch;
      else out += mapped;
    }
    return out;
  });
  return s;
}

/**
 * The text with everything but letters and digits removed, so "加 v ❤ 1.2.3" reads
 * "加v123": spaced-out or emoji-separated characters come together again.
 */
export function compactText(normalized: string): string {
  return normalized.replace(/[^\p{L}\p{N}]+/gu, '');
}
