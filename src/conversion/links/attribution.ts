/**
 * First- and last-touch attribution, pure. A conversion's touches are the member's
 * clicks in the window before it (`at - window < clicked_at <= at`): the earliest is
 * its first touch, the latest its last. With no such click, a code the conversion
 * names (the shop kept the `/l/` code through checkout) is both touches. Both are
 * kept, so a report shows side by side which link opened the way and which closed it.
 */

export interface Click {
  id: number;
  linkId: number;
  at: number;
}

export interface Touch {
  linkId: number;
  /** The click, or null when the touch is the code the conversion named. */
  clickId: number | null;
}

export interface Touches {
  first: Touch | null;
  last: Touch | null;
}

/** Picks the first and last touch of a conversion at `at` among the member's clicks. */
export function attribute(clicks: readonly Click[], at: number, windowMs: number, codeLinkId: number | null): Touches {
  let first: Click | null = null;
  let last: Click | null = null;
  for (const c of clicks) {
    if (c.at > at || c.at <= at - windowMs) continue;
    if (!first || c.at < first.at || (c.at === first.at && c.id < first.id)) first = c;
    if (!last || c.at > last.at || (c.at === last.at && c.id > last.id)) last = c;
  }
  if (first && last) return { first: { linkId: first.linkId, clickId: first.id }, last: { linkId: last.linkId, clickId: last.id } };
  if (codeLinkId !== null) return { first: { linkId: codeLinkId, clickId: null }, last: { linkId: codeLinkId, clickId: null } };
  return { first: null, last: null };
}
