import { z } from 'zod';
import { MAX_POSTER_BODY, MAX_POSTER_IMAGE_BYTES, MAX_POSTER_TITLE, POSTER_HEIGHT, POSTER_WIDTH, type PosterDesign } from '../../shared/poster-records.js';

/** A template or design the operator sent is not one Hearth can draw (names what is wrong); nothing was stored. */
export class InvalidPosterTemplateError extends Error {
  override readonly name = 'InvalidPosterTemplateError';
}

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb');
const px = (min: number, max: number) => z.number().int().min(min).max(max);

/** A data URL of a PNG, JPEG or WebP image, at most MAX_POSTER_IMAGE_BYTES once decoded. */
export const IMAGE_DATA_URL = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/]+={0,2})$/;

const backgroundImage = z
  .string()
  .max(Math.ceil((MAX_POSTER_IMAGE_BYTES * 4) / 3) + 40, `must be an image of at most ${Math.round(MAX_POSTER_IMAGE_BYTES / 1024)} KB`)
  .regex(IMAGE_DATA_URL, 'must be a data:image/png, image/jpeg or image/webp URL in base64')
  .refine((url) => decodedBytes(url) <= MAX_POSTER_IMAGE_BYTES, `must be an image of at most ${Math.round(MAX_POSTER_IMAGE_BYTES / 1024)} KB`);

function decodedBytes(dataUrl: string): number {
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  return Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
}

/** The design's schema: every field required, every number a whole pixel count inside the poster. */
export const posterDesignSchema = z
  .object({
    background: z.discriminatedUnion('kind', [z.object({ kind: z.literal('solid'), color }).strict(), z.object({ kind: z.literal('gradient'), from: color, to: color, angle: px(0, 359) }).strict()]),
    backgroundImage: backgroundImage.nullable(),
    title: z.string().max(MAX_POSTER_TITLE),
    body: z.string().max(MAX_POSTER_BODY),
    textColor: color,
    titleSize: px(32, 160),
    bodySize: px(20, 96),
    align: z.enum(['left', 'center']),
    textTop: px(0, POSTER_HEIGHT - 100),
    qr: z.object({ x: px(0, POSTER_WIDTH), y: px(0, POSTER_HEIGHT), size: px(200, 900) }).strict(),
    memberName: z.object({ x: px(0, POSTER_WIDTH), y: px(0, POSTER_HEIGHT), size: px(20, 120) }).strict(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.qr.x + d.qr.size > POSTER_WIDTH) ctx.addIssue({ code: 'custom', path: ['qr', 'x'], message: `the QR code runs off the poster's right edge (x + size must be at most ${POSTER_WIDTH})` });
    if (d.qr.y + d.qr.size > POSTER_HEIGHT) ctx.addIssue({ code: 'custom', path: ['qr', 'y'], message: `the QR code runs off the poster's bottom edge (y + size must be at most ${POSTER_HEIGHT})` });
    if (d.memberName.y + d.memberName.size > POSTER_HEIGHT) ctx.addIssue({ code: 'custom', path: ['memberName', 'y'], message: `the member's name runs off the poster's bottom edge` });
    if (d.title.trim() === '' && d.body.trim() === '') ctx.addIssue({ code: 'custom', path: ['title'], message: 'a poster needs a title or a body' });
  });

/** A template's own fields beside its design. */
export const posterTemplateFields = {
  name: z.string().trim().min(1).max(100),
  campaign: z.string().trim().min(1).max(100),
  groupId: z.number().int().positive(),
};

/**
 * Checks a design; a bad one throws naming each field that is wrong.
 *
 * @example parsePosterDesign({ ...DEFAULT_POSTER_DESIGN, textColor: 'red' }) // throws "textColor: must be a colour written #rrggbb"
 */
export function parsePosterDesign(value: unknown): PosterDesign {
  const parsed = posterDesignSchema.safeParse(value);
  if (!parsed.success) throw new InvalidPosterTemplateError(parsed.error.issues.map((i) => `${i.path.join('.') || 'design'}: ${i.message}`).join('; '));
  return parsed.data;
}
