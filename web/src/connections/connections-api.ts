import { request } from '../api-client.js';

/** A connection as the API shows it: never its settings (they hold tokens). */
export interface ConnectionRecord {
  id: number;
  platform: string;
  name: string;
  status: 'active' | 'paused';
  createdAt: string;
  health: {
    state: 'connecting' | 'running' | 'failing' | 'paused';
    lastError?: string;
    retryAt?: string;
    since?: string;
    lastEventAt?: string;
  };
  /** A WeChat account waiting for its login: the QR code to scan, as an image. */
  login?: { qrImage: string };
  groups: { id: number; name: string; externalId: string }[];
}

/** A right the bot lacks in a group, and the capability it costs. */
export interface MissingRight {
  capability: string;
  right: string;
  administrator?: boolean;
}

export interface GroupStandingRecord {
  id: number;
  name: string;
  externalId: string;
  role: string;
  /** Lacking for what Hearth uses in the group. */
  missing: MissingRight[];
  /** Lacking, but nothing uses it yet. */
  lacking: MissingRight[];
  error?: string;
}

export interface PlatformRecord {
  platform: string;
  title: string;
  connectable: boolean;
  capabilities: string[];
}

const enc = encodeURIComponent;

export function fetchConnections(ws: string, signal?: AbortSignal) {
  return request<{ connections: ConnectionRecord[] }>('GET', `/api/connections?workspace=${enc(ws)}`, undefined, signal);
}

export function fetchPlatforms(signal?: AbortSignal) {
  return request<{ platforms: PlatformRecord[] }>('GET', '/api/platforms', undefined, signal);
}

/** Adds a connection; the server checks its settings with the platform first and stores nothing it refuses. */
export function addConnection(ws: string, input: { platform: string; name: string; settings: Record<string, unknown> }) {
  return request<{ connection: ConnectionRecord }>('POST', '/api/connections', { workspace: ws, ...input });
}

export function pauseConnection(id: number) {
  return request<{ connection: ConnectionRecord; warning?: string }>('POST', `/api/connections/${id}/pause`);
}

export function resumeConnection(id: number) {
  return request<{ connection: ConnectionRecord }>('POST', `/api/connections/${id}/resume`);
}

export function removeConnection(id: number) {
  return request<{ removed: number; warning?: string }>('DELETE', `/api/connections/${id}`);
}

export function fetchGroupStanding(id: number, signal?: AbortSignal) {
  return request<{ groups: GroupStandingRecord[] }>('GET', `/api/connections/${id}/groups`, undefined, signal);
}
