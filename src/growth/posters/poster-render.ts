import { createCanvas, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import { POSTER_HEIGHT, POSTER_WIDTH, type PosterDesign } from '../../shared/poster-records.js';
import { ensurePosterFonts, POSTER_FONT_STACKS } from './poster-fonts.js';
import { layoutPoster, type MeasureText, type PosterLayout, type PosterLine, type PosterValues } from './poster-layout.js';
import { InvalidPosterTemplateError } from './poster-template.js';

export interface PosterContent extends PosterValues {
  /** What the QR code holds: the member's personal link. */
  link: string;
}

export interface RenderOptions {
  /** The CSS font families each weight is set in (a test sets a stack without Chinese, to compare). */
  fontStacks?: { regular: string; bold: string };
}

export interface RenderedPoster {
  png: Buffer;
  layout: PosterLayout;
}

/** The QR code's quiet zone, in modules (the standard asks for 4). */
const QUIET_ZONE = 4;

type Stacks = { regular: string; bold: string };
// Bold asks the canvas to embolden the CJK font, which has one weight.
const fontOf = (size: number, weight: 'regular' | 'bold', stacks: Stacks) => `${weight === 'bold' ? 'bold ' : ''}${size}px ${stacks[weight]}`;

/**
 * Draws a member's poster: the background (colour or gradient, then the image covering
 * it), the title and body as `layoutPoster` placed them, the member's name, and the QR
 * code of their link on a white square with its quiet zone. Returns the 1080×1920 PNG.
 * A background image that is not a readable PNG, JPEG or WebP is an
 * InvalidPosterTemplateError.
 */
export async function renderPoster(design: PosterDesign, content: PosterContent, options: RenderOptions = {}): Promise<RenderedPoster> {
  ensurePosterFonts();
  const stack = options.fontStacks ?? POSTER_FONT_STACKS;
  const canvas = createCanvas(POSTER_WIDTH, POSTER_HEIGHT);
  const ctx = canvas.getContext('2d');
  const measure: MeasureText = (text, size, weight) => {
    ctx.font = fontOf(size, weight, stack);
    return ctx.measureText(text).width;
  };
  const layout = layoutPoster(design, content, measure);

  await drawBackground(ctx, design);
  ctx.fillStyle = design.textColor;
  ctx.textBaseline = 'top';
  for (const line of layout.lines) drawLine(ctx, line, stack);
  drawLine(ctx, layout.memberName, stack);
  drawQr(ctx, content.link, layout.qr);
  return { png: await canvas.encode('png'), layout };
}

async function drawBackground(ctx: SKRSContext2D, design: PosterDesign): Promise<void> {
  const bg = design.background;
  if (bg.kind === 'solid') ctx.fillStyle = bg.color;
  else {
    // The angle as CSS reads it: 0° runs bottom to top, 90° left to right, 180° top to bottom.
    const rad = (bg.angle * Math.PI) / 180;
    const half = (Math.abs(POSTER_WIDTH * Math.sin(rad)) + Math.abs(POSTER_HEIGHT * Math.cos(rad))) / 2;
    const [cx, cy, dx, dy] = [POSTER_WIDTH / 2, POSTER_HEIGHT / 2, Math.sin(rad) * half, -Math.cos(rad) * half];
    const gradient = ctx.createLinearGradient(cx - dx, cy - dy, cx + dx, cy + dy);
    gradient.addColorStop(0, bg.from);
    gradient.addColorStop(1, bg.to);
    ctx.fillStyle = gradient;
  }
  ctx.fillRect(0, 0, POSTER_WIDTH, POSTER_HEIGHT);
  if (!design.backgroundImage) return;
  const base64 = design.backgroundImage.slice(design.backgroundImage.indexOf(',') + 1);
  let image: Awaited<ReturnType<typeof loadImage>>;
  try {
    image = await loadImage(Buffer.from(base64, 'base64'));
  } catch {
    throw new InvalidPosterTemplateError('backgroundImage: the image cannot be read as a PNG, JPEG or WebP');
  }
  if (image.width === 0 || image.height === 0) throw new InvalidPosterTemplateError('backgroundImage: the image is empty');
  // Cover: scale to fill the poster, centred, cutting what overflows.
  const scale = Math.max(POSTER_WIDTH / image.width, POSTER_HEIGHT / image.height);
  const [w, h] = [image.width * scale, image.height * scale];
  ctx.drawImage(image, (POSTER_WIDTH - w) / 2, (POSTER_HEIGHT - h) / 2, w, h);
}

function drawLine(ctx: SKRSContext2D, line: PosterLine, stack: Stacks): void {
  if (line.text === '') return;
  ctx.font = fontOf(line.size, line.weight, stack);
  ctx.textAlign = line.align;
  ctx.fillText(line.text, line.x, line.y);
}

function drawQr(ctx: SKRSContext2D, link: string, box: { x: number; y: number; size: number }): void {
  const qr = QRCode.create(link, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const module = Math.floor(box.size / (count + 2 * QUIET_ZONE));
  const offset = Math.floor((box.size - module * count) / 2);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(box.x, box.y, box.size, box.size);
  ctx.fillStyle = '#000000';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.modules.get(row, col)) ctx.fillRect(box.x + offset + col * module, box.y + offset + row * module, module, module);
    }
  }
}
