import { createElement, useSyncExternalStore } from 'react';
import type { AnchorHTMLAttributes, MouseEvent } from 'react';

/**
 * A tiny history-API router. The server answers every non-/api path with index.html
 * (see src/server/static-assets.ts), so deep links like /groups/12 load directly.
 */

/** The pages the dashboard has. */
export type Route =
  | { page: 'overview' }
  | { page: 'group'; groupId: number }
  | { page: 'group-invalid'; raw: string }
  | { page: 'sandbox' }
  | { page: 'audit' }
  | { page: 'automations' }
  | { page: 'outbox' }
  | { page: 'alerts' }
  | { page: 'broadcasts' }
  | { page: 'webhooks' }
  | { page: 'connections' }
  | { page: 'team' }
  | { page: 'tokens' }
  | { page: 'invite'; token: string }
  | { page: 'import' }
  | { page: 'moderation' }
  | { page: 'growth' }
  | { page: 'posters' }
  | { page: 'campaigns' }
  | { page: 'conversions' }
  | { page: 'points' }
  | { page: 'draws' }
  | { page: 'members' }
  | { page: 'member'; memberId: number }
  | { page: 'not-found'; path: string };

const NAVIGATE_EVENT = 'hearth:navigate';

/** Query parameters that follow the operator from page to page. */
const STICKY_PARAMS = ['ws'];

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** Parses a pathname into a route. */
export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'overview' };
  if (path === '/sandbox') return { page: 'sandbox' };
  if (path === '/audit') return { page: 'audit' };
  if (path === '/automations') return { page: 'automations' };
  if (path === '/outbox') return { page: 'outbox' };
  if (path === '/alerts') return { page: 'alerts' };
  if (path === '/broadcasts') return { page: 'broadcasts' };
  if (path === '/webhooks') return { page: 'webhooks' };
  if (path === '/connections') return { page: 'connections' };
  if (path === '/team') return { page: 'team' };
  if (path === '/tokens') return { page: 'tokens' };
  const invite = /^\/invite\/([A-Za-z0-9_-]{1,100})$/.exec(path);
  if (invite) return { page: 'invite', token: invite[1] ?? '' };
  if (path === '/import') return { page: 'import' };
  if (path === '/moderation') return { page: 'moderation' };
  if (path === '/growth') return { page: 'growth' };
  if (path === '/posters') return { page: 'posters' };
  if (path === '/campaigns') return { page: 'campaigns' };
  if (path === '/conversions') return { page: 'conversions' };
  if (path === '/points') return { page: 'points' };
  if (path === '/draws') return { page: 'draws' };
  if (path === '/members') return { page: 'members' };
  const member = /^\/members\/([1-9]\d{0,15})$/.exec(path);
  if (member) return { page: 'member', memberId: Number(member[1]) };
  const group = /^\/groups\/([^/]+)$/.exec(path);
  if (group) {
    const raw = decodeSafe(group[1] ?? '');
    return /^[1-9]\d{0,15}$/.test(raw) ? { page: 'group', groupId: Number(raw) } : { page: 'group-invalid', raw };
  }
  return { page: 'not-found', path };
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The current route and query string; re-renders on navigation. */
export function useLocation(): { route: Route; search: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, window.location.origin);
  return { route: parseRoute(url.pathname), search: url.searchParams };
}

/**
 * Builds an in-app href, carrying the sticky query parameters (the workspace) over
 * from the current URL. `to` may carry its own query string.
 */
export function href(to: string): string {
  const target = new URL(to, window.location.origin);
  const current = new URLSearchParams(window.location.search);
  for (const key of STICKY_PARAMS) {
    const value = current.get(key);
    if (value !== null && !target.searchParams.has(key)) target.searchParams.set(key, value);
  }
  return target.pathname + target.search;
}

/** Goes to an in-app path without reloading. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = href(to);
  if (url === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  if (!options.replace) window.scrollTo(0, 0);
}

/** Rewrites one query parameter in place (no history entry), e.g. the selected sandbox group. */
export function setQueryParam(key: string, value: string | null): void {
  const url = new URL(window.location.href);
  if (value === null) url.searchParams.delete(key);
  else url.searchParams.set(key, value);
  window.history.replaceState(null, '', url.pathname + url.search);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** True when a click should be left to the browser (new tab, download, …). */
function isModifiedClick(event: MouseEvent): boolean {
  return event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
}

/** An anchor that navigates in-app but still works with middle-click and "open in new tab". */
export function Link({ to, onClick, ...rest }: { to: string } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  return createElement('a', {
    ...rest,
    href: href(to),
    onClick: (event: MouseEvent<HTMLAnchorElement>) => {
      onClick?.(event);
      if (event.defaultPrevented || isModifiedClick(event)) return;
      event.preventDefault();
      navigate(to);
    },
  });
}
