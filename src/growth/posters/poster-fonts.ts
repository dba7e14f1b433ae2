import { createRequire } from 'node:module';
import { GlobalFonts } from '@napi-rs/canvas';

/**
 * The fonts every poster is drawn with, shipped as npm packages so a poster looks the
 * same on a server with no system fonts: Noto Sans (Latin, regular and bold, from
 * @fontsource/noto-sans) and Source Han Sans CN (Simplified Chinese: all 20,976 CJK
 * unified ideographs, regular weight, from @librescore/fonts). Both are under the SIL
 * Open Font License 1.1. Text asks for Latin first and Chinese second, so each script
 * gets its own design; a character in neither falls back to the system's fonts.
 */
export const LATIN_FAMILY = 'Hearth Poster Latin';
export const LATIN_BOLD_FAMILY = 'Hearth Poster Latin Bold';
export const CJK_FAMILY = 'Hearth Poster CJK';
/** The font stack of each weight (the bold one is its own family: two weights under one name are not told apart). */
export const POSTER_FONT_STACKS = { regular: `"${LATIN_FAMILY}", "${CJK_FAMILY}"`, bold: `"${LATIN_BOLD_FAMILY}", "${CJK_FAMILY}"` } as const;

const require = createRequire(import.meta.url);
let registered = false;

/** Registers the poster fonts with the canvas once per process; throws naming a font file that cannot be loaded. */
export function ensurePosterFonts(): void {
  if (registered) return;
  const files: [string, string][] = [
    [require.resolve('@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff2'), LATIN_FAMILY],
    [require.resolve('@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff2'), LATIN_BOLD_FAMILY],
    [(require('@librescore/fonts') as { CN: string }).CN, CJK_FAMILY],
  ];
  for (const [path, family] of files) {
    if (!GlobalFonts.registerFromPath(path, family)) throw new Error(`the poster font ${path} could not be loaded`);
  }
  registered = true;
}
