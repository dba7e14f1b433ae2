/**
 * Poster templates as the API returns them and the dashboard edits them: the design's
 * shape, its limits and a new template's defaults. The server validates the same limits
 * (src/growth/posters/poster-template.ts); the dashboard reads them to bound its inputs.
 */

/** Every poster is a portrait PNG of this size (a phone screen, as Moments shows it). */
export const POSTER_WIDTH = 1080;
export const POSTER_HEIGHT = 1920;

/** The largest background image, decoded (its data URL is about a third larger). Keeps any template within the API's 1 MB body. */
export const MAX_POSTER_IMAGE_BYTES = 700 * 1024;
export const MAX_POSTER_TITLE = 200;
export const MAX_POSTER_BODY = 1000;

/** The variables a poster's title and body may hold, filled per member. */
export const POSTER_VARIABLES = ['member', 'campaign', 'group'] as const;

export type PosterBackground = { kind: 'solid'; color: string } | { kind: 'gradient'; from: string; to: string; angle: number };

/** What the operator designs: everything but the template's name, campaign and group. */
export interface PosterDesign {
  background: PosterBackground;
  /** A `data:image/png|jpeg|webp;base64,…` URL drawn over the background, covering it; null for none. */
  backgroundImage: string | null;
  title: string;
  body: string;
  /** `#rrggbb`, for the title, the body and the member's name. */
  textColor: string;
  titleSize: number;
  bodySize: number;
  align: 'left' | 'center';
  /** Where the title starts, in poster pixels from the top. */
  textTop: number;
  /** The QR code's top-left corner and side, in poster pixels. */
  qr: { x: number; y: number; size: number };
  /** The member's name: centred on `x`, its top at `y`. */
  memberName: { x: number; y: number; size: number };
}

export interface PosterTemplateRecord {
  id: number;
  name: string;
  design: PosterDesign;
  /** The fission campaigns whose posters this template draws. */
  campaigns: { id: number; name: string }[];
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A template in a list: its design without the background image (`hasImage` says whether it has one). */
export interface PosterTemplateSummary extends Omit<PosterTemplateRecord, 'design'> {
  design: Omit<PosterDesign, 'backgroundImage'>;
  hasImage: boolean;
}

/** What a preview fills the variables with when the operator gives nothing. */
export const PREVIEW_VALUES = { member: '林小雨 Lin', campaign: '春季烘焙 Spring baking', group: '马卡龙烘焙交流群' } as const;

/** A new template's design: a warm gradient, the copy on top, the QR code lower centre, the name above it. */
export const DEFAULT_POSTER_DESIGN: PosterDesign = {
  background: { kind: 'gradient', from: '#fff4e6', to: '#ffc9a1', angle: 180 },
  backgroundImage: null,
  title: '{member} 邀请你加入 {group}',
  body: '扫码入群，参加「{campaign}」。\nScan to join {group} for {campaign}.',
  textColor: '#3b2417',
  titleSize: 84,
  bodySize: 46,
  align: 'center',
  textTop: 180,
  qr: { x: 290, y: 1180, size: 500 },
  memberName: { x: 540, y: 1080, size: 48 },
};
