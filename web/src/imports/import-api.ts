import { ApiError, currentCsrfToken, request, UNAUTHORIZED_EVENT } from '../api-client.js';

export type ImportStatus = 'queued' | 'checking' | 'importing' | 'done' | 'failed';

/** What an import read and stored (the CLI's summary). */
export interface ImportReport {
  format: string;
  files: number;
  groups: { platform: string; externalId: string; title: string | null; events: number }[];
  events: number;
  stored: number;
  duplicates: number;
  /** Entries not imported, by reason. */
  skipped: Record<string, number>;
}

/** One import, as GET /api/imports/:id answers it. File names and group titles are the uploader's text: render as text only. */
export interface ImportRecord {
  id: number;
  format: string;
  fileName: string;
  fileBytes: number;
  status: ImportStatus;
  progress: { bytes: number; totalBytes: number; events: number };
  report: ImportReport | null;
  error: string | null;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const enc = encodeURIComponent;

export function fetchImports(ws: string, signal?: AbortSignal) {
  return request<{ imports: ImportRecord[]; formats: string[]; maxBytes: number }>('GET', `/api/imports?workspace=${enc(ws)}`, undefined, signal);
}

export function fetchImport(id: number, signal?: AbortSignal) {
  return request<{ import: ImportRecord }>('GET', `/api/imports/${id}`, undefined, signal);
}

/**
 * Sends a file as the body of POST /api/imports, reporting how much has gone
 * (XMLHttpRequest: fetch cannot tell upload progress), and answers the queued import.
 */
export function uploadImport(ws: string, file: File, input: { format: string; tz?: string; chatId?: string }, onSent: (sent: number, total: number) => void): Promise<ImportRecord> {
  const params = new URLSearchParams({ workspace: ws, format: input.format, name: file.name });
  if (input.tz) params.set('tz', input.tz);
  if (input.chatId) params.set('chatId', input.chatId);
  const route = `/api/imports?${params}`;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', route);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    const csrf = currentCsrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => onSent(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError('POST', route, 0, '', null));
    xhr.onload = () => {
      let json: { import?: ImportRecord; error?: string } | undefined;
      try {
        json = JSON.parse(xhr.responseText) as typeof json;
      } catch {
        // Not JSON (a proxy's error page): the status says it.
      }
      if (xhr.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
      if (xhr.status >= 200 && xhr.status < 300 && json?.import) resolve(json.import);
      else reject(new ApiError('POST', route, xhr.status, xhr.statusText, typeof json?.error === 'string' ? json.error : null));
    };
    xhr.send(file);
  });
}
