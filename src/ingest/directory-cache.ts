import type { GroupRef, PersonRef } from '../core/event.js';
import { isTimeZone } from '../core/calendar.js';
import { erasedExternalId, idHoldsName } from '../privacy/pseudonyms.js';
import type { IngestWriter } from './ingest-writer.js';

export interface KnownGroup {
  id: number;
  workspaceId: number;
  name: string;
  platform: string;
  timezone: string;
}

export interface KnownMember {
  id: number;
  displayName: string;
  isBot: boolean;
}

/** Members kept per generation: at most twice this many are cached (about 10 MB). */
const MEMBERS_PER_GENERATION = 25_000;

/**
 * A bounded map that keeps what is used: entries live in the current generation; when
 * it is full it becomes the old one (the previous old one is dropped), and an entry
 * found in the old generation moves back to the current one. Cheaper than an exact
 * LRU (no reordering on every hit) and never more than twice `size` entries.
 */
export class GenerationalCache<K, V> {
  #current = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(private readonly size: number) {}

  get(key: K): V | undefined {
    const hit = this.#current.get(key);
    if (hit !== undefined) return hit;
    const old = this.#old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.#current.size >= this.size && !this.#current.has(key)) {
      this.#old = this.#current;
      this.#current = new Map();
    }
    this.#current.set(key, value);
  }

  get count(): number {
    return this.#current.size + this.#old.size;
  }

  clear(): void {
    this.#current.clear();
    this.#old.clear();
  }
}

/**
 * Resolves platform ids to Hearth's groups and members, creating them on first
 * sight. Lookups are cached across batches; the member cache is bounded (a
 * community of 100k members need not sit in memory). Each ingest transaction works
 * through its own `begin()` view: what it creates is staged there and joins the
 * shared cache only when it commits, so neither a rolled-back batch nor a concurrent
 * transaction ever sees ids that are not committed.
 */
export class DirectoryCache {
  readonly groupsCache = new Map<string, KnownGroup>();
  readonly membersCache = new GenerationalCache<string, KnownMember>(MEMBERS_PER_GENERATION);

  begin(): DirectoryTransaction {
    return new DirectoryTransaction(this);
  }

  /** Forgets every member, after members were linked (merged) outside ingest. */
  forgetMembers(): void {
    this.membersCache.clear();
  }

  /** Forgets a group, after its name or time zone changed outside ingest. */
  forgetGroup(groupId: number): void {
    for (const [k, v] of this.groupsCache) if (v.id === groupId) this.groupsCache.delete(k);
  }
}

/** One transaction's view of the directory (see DirectoryCache). */
export class DirectoryTransaction {
  #groups: Map<string, KnownGroup>;
  #members: GenerationalCache<string, KnownMember>;
  #stagedGroups = new Map<string, KnownGroup>();
  #stagedMembers = new Map<string, KnownMember>();

  constructor(cache: DirectoryCache) {
    this.#groups = cache.groupsCache;
    this.#members = cache.membersCache;
  }

  /** The transaction committed: what it created is now everyone's. */
  commit(): void {
    for (const [k, v] of this.#stagedGroups) this.#groups.set(k, v);
    for (const [k, v] of this.#stagedMembers) this.#members.set(k, v);
  }

  async groups(writer: IngestWriter, workspaceId: number, platform: string, refs: GroupRef[], connectionId: number | null, now: number): Promise<Map<string, KnownGroup>> {
    const out = new Map<string, KnownGroup>();
    for (const ref of refs) {
      const key = `${workspaceId}|${platform}|${ref.id}`;
      const hit = this.#groups.get(key) ?? this.#stagedGroups.get(key);
      if (hit) {
        out.set(ref.id, hit);
        continue;
      }
      await writer.createGroup({ workspace_id: workspaceId, connection_id: connectionId, platform, external_id: ref.id, name: ref.title || ref.id, created_at: now });
      const row = await writer.findGroup(workspaceId, platform, ref.id);
      if (!row) throw new Error(`group ${platform}:${ref.id} was neither found nor created`);
      const group: KnownGroup = { id: row.id, workspaceId, name: row.name, platform, timezone: isTimeZone(row.timezone) ? row.timezone : 'UTC' };
      this.#stagedGroups.set(key, group);
      out.set(ref.id, group);
    }
    return out;
  }

  async members(writer: IngestWriter, workspaceId: number, platform: string, refs: PersonRef[], firstSeenAt: (externalId: string) => number): Promise<Map<string, KnownMember>> {
    const out = new Map<string, KnownMember>();
    const missing = new Map<string, PersonRef>();
    for (const ref of refs) {
      const key = `${workspaceId}|${platform}|${ref.id}`;
      const hit = this.#members.get(key) ?? this.#stagedMembers.get(key);
      if (hit) out.set(ref.id, hit);
      else if (!missing.has(ref.id)) missing.set(ref.id, ref);
    }
    // A stored id → the id the platform gave. An erased member's name-derived id is kept
    // hashed (src/privacy/pseudonyms.ts): it is looked up too, so that person is found
    // rather than created again under their name.
    const storedIds = new Map<string, string>();
    for (const id of missing.keys()) {
      storedIds.set(id, id);
      if (idHoldsName(platform, id)) storedIds.set(erasedExternalId(platform, id), id);
    }
    for (const row of await writer.findMembers(workspaceId, platform, [...storedIds.keys()])) {
      const refId = storedIds.get(row.external_id)!;
      const known = { id: row.id, displayName: row.display_name, isBot: row.is_bot === 1 };
      this.#members.set(`${workspaceId}|${platform}|${refId}`, known);
      out.set(refId, known);
      missing.delete(refId);
    }
    const created = [...missing.values()].map((ref) => ({
      workspace_id: workspaceId,
      display_name: ref.name || ref.username || ref.id,
      is_bot: ref.isBot ? 1 : 0,
      first_seen_at: firstSeenAt(ref.id),
      platform,
      external_id: ref.id,
      username: ref.username ?? null,
    }));
    const ids = await writer.createMembers(created);
    created.forEach((m, i) => {
      const known = { id: ids[i]!, displayName: m.display_name, isBot: m.is_bot === 1 };
      this.#stagedMembers.set(`${workspaceId}|${platform}|${m.external_id}`, known);
      out.set(m.external_id, known);
    });
    return out;
  }

  /** Records a group's new title (already written by the caller) in the cache. */
  renamedGroup(workspaceId: number, platform: string, externalId: string, group: KnownGroup, title: string): void {
    this.#stagedGroups.set(`${workspaceId}|${platform}|${externalId}`, { ...group, name: title });
  }

  /** Records a display-name change (already written by the caller) in the cache. */
  renamed(workspaceId: number, platform: string, externalId: string, member: KnownMember, newName: string): void {
    this.#stagedMembers.set(`${workspaceId}|${platform}|${externalId}`, { ...member, displayName: newName });
  }
}
