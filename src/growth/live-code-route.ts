import type { LiveCodeWarning } from '../shared/growth-records.js';
import { NEXT_GROUP_WARN_SHARE, QR_WARN_BEFORE_MS, WECHAT_QR_LIFETIME_MS } from './growth-code.js';

/** One group of a live code's series, as routing sees it. */
export interface SeriesGroup {
  id: number;
  name: string;
  platform: string;
  /** Members in the group now (bots not counted). */
  members: number;
  /** When the operator last uploaded the group's QR image (WeChat/WeCom), or null. */
  qrUploadedAt: number | null;
}

export type { LiveCodeWarning };

export interface LiveCodeRoute {
  /** The group a scan lands in now: the first with room; the last when all are full. */
  current: SeriesGroup;
  full: boolean;
  warnings: LiveCodeWarning[];
}

const QR_PLATFORMS = new Set(['wechat', 'wecom']);

/** Whether visitors to this platform's groups are shown the group's QR image (no links to make). */
export function usesGroupQr(platform: string): boolean {
  return QR_PLATFORMS.has(platform);
}

/**
 * Where a live code leads now and what the operator should hear. The series rolls
 * over at `capacity` members; a group below capacity again (members left) takes
 * scans again before a later one, so the earlier groups fill first.
 */
export function routeLiveCode(series: readonly SeriesGroup[], capacity: number, now: number): LiveCodeRoute {
  if (series.length === 0) throw new Error('a live code needs at least one group');
  const index = series.findIndex((g) => g.members < capacity);
  const full = index === -1;
  const currentIndex = full ? series.length - 1 : index;
  const current = series[currentIndex]!;
  const warnings: LiveCodeWarning[] = [];
  if (full) warnings.push({ kind: 'series_full', capacity });
  else if (currentIndex === series.length - 1 && current.members >= Math.floor(capacity * NEXT_GROUP_WARN_SHARE))
    warnings.push({ kind: 'create_next_group', groupId: current.id, members: current.members, capacity });
  if (usesGroupQr(current.platform)) {
    if (current.qrUploadedAt === null) warnings.push({ kind: 'qr_missing', groupId: current.id });
    else {
      const expiresAt = current.qrUploadedAt + WECHAT_QR_LIFETIME_MS;
      if (expiresAt <= now) warnings.push({ kind: 'qr_expired', groupId: current.id, expiredAt: expiresAt });
      else if (expiresAt - now <= QR_WARN_BEFORE_MS) warnings.push({ kind: 'qr_expiring', groupId: current.id, expiresAt });
    }
  }
  return { current, full, warnings };
}

/** A warning in the operator's words (CLI; the dashboard words them itself). */
export function describeWarning(w: LiveCodeWarning, names: (groupId: number) => string): string {
  switch (w.kind) {
    case 'create_next_group':
      return `${names(w.groupId)} has ${w.members} of ${w.capacity} members and is the last group of the series: create the next group and add it`;
    case 'series_full':
      return `every group of the series has ${w.capacity} members: add a new group, new visitors still land in the last one`;
    case 'qr_missing':
      return `${names(w.groupId)} has no QR image yet: upload the group's QR code`;
    case 'qr_expiring':
      return `the QR code of ${names(w.groupId)} expires ${new Date(w.expiresAt).toISOString()}: upload a fresh one`;
    case 'qr_expired':
      return `the QR code of ${names(w.groupId)} expired ${new Date(w.expiredAt).toISOString()}: upload a fresh one`;
  }
}
