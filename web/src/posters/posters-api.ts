import { ApiError, currentCsrfToken, request } from '../api-client.js';
import type { PosterDesign, PosterTemplateRecord, PosterTemplateSummary } from '../../../src/shared/poster-records.js';

export type { PosterDesign, PosterTemplateRecord, PosterTemplateSummary };

const enc = encodeURIComponent;

export function fetchPosterTemplates(workspace: string, signal?: AbortSignal): Promise<{ templates: PosterTemplateSummary[] }> {
  return request('GET', `/api/poster-templates?workspace=${enc(workspace)}`, undefined, signal);
}

export function fetchPosterTemplate(id: number, signal?: AbortSignal): Promise<PosterTemplateRecord> {
  return request('GET', `/api/poster-templates/${id}`, undefined, signal);
}

export function createPosterTemplate(workspace: string, name: string, design: PosterDesign): Promise<PosterTemplateRecord> {
  return request('POST', '/api/poster-templates', { workspace, name, design });
}

export function updatePosterTemplate(id: number, name: string, design: PosterDesign): Promise<PosterTemplateRecord> {
  return request('PUT', `/api/poster-templates/${id}`, { name, design });
}

export function deletePosterTemplate(id: number): Promise<{ deleted: number }> {
  return request('DELETE', `/api/poster-templates/${id}`);
}

/** Where a member's poster is drawn (the browser opens or downloads the PNG). */
export function memberPosterUrl(templateId: number, memberId: number): string {
  return `/api/poster-templates/${templateId}/poster.png?member=${memberId}`;
}

/** The preview as a PNG blob; a refused design is an ApiError naming the field, a busy server a 429. */
export async function previewPoster(workspace: string, design: PosterDesign, member: string, signal: AbortSignal): Promise<{ png: Blob; truncated: boolean }> {
  const route = '/api/poster-templates/preview';
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'image/png' };
  const csrf = currentCsrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const body = JSON.stringify({ workspace, design, ...(member.trim() ? { member: member.trim().slice(0, 100) } : {}) });
  const response = await fetch(route, { method: 'POST', headers, body, signal, credentials: 'same-origin' });
  if (!response.ok) {
    let detail: string | null = null;
    try {
      detail = ((await response.json()) as { error?: string }).error ?? null;
    } catch {
      // Not JSON: the status says enough.
    }
    throw new ApiError('POST', route, response.status, response.statusText, detail);
  }
  return { png: await response.blob(), truncated: response.headers.get('x-poster-truncated') === '1' };
}

/**
 * Reads an image file the operator picked and re-encodes it as a JPEG of at most
 * 1080×1920 (the poster's size; it is drawn to cover the poster), so a phone photo
 * fits the server's 700 KB limit. Returns its data URL.
 */
export async function shrinkImage(file: File, maxBytes: number): Promise<string> {
  const bitmap = await createImageBitmap(file);
  // The smallest size that still covers the poster, never enlarged.
  const scale = Math.min(1, Math.max(1080 / bitmap.width, 1920 / bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  for (const quality of [0.85, 0.7, 0.55, 0.4]) {
    const url = canvas.toDataURL('image/jpeg', quality);
    if (((url.length - url.indexOf(',') - 1) * 3) / 4 <= maxBytes) return url;
  }
  throw new Error('too large');
}
