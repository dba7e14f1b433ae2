import type { Kysely, Transaction } from 'kysely';
import type { GroupRef, PersonRef } from '../core/event.js';
import { isTimeZone } from '../core/calendar.js';
import { erasedExternalId, idHoldsName } from '../privacy/pseudonyms.js';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

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

const MAX_CACHED = 200_000;

/**
 * Resolves platform ids to Hearth's groups and members, creating them on first
 * sight. Lookups are cached across batches. Each ingest transaction works through its
 * own `begin()` view: what it creates is staged there and joins the shared cache only
 * when it commits, so neither a rolled-back batch nor a concurrent transaction ever
 * sees ids that are not committed.
 */
export class DirectoryCache {
  readonly groupsCache = new Map<string, KnownGroup>();
  readonly membersCache = new Map<string, KnownMember>();

  begin(): DirectoryTransaction {
    if (this.membersCache.size > MAX_CACHED) this.membersCache.clear();
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
  #members: Map<string, KnownMember>;
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

  async groups(db: Db, workspaceId: number, platform: string, refs: GroupRef[], connectionId: number | null, now: number): Promise<Map<string, KnownGroup>> {
    const out = new Map<string, KnownGroup>();
    const missing: GroupRef[] = [];
    for (const ref of refs) {
      const hit = this.#groups.get(`${workspaceId}|${platform}|${ref.id}`) ?? this.#stagedGroups.get(`${workspaceId}|${platform}|${ref.id}`);
      if (hit) out.set(ref.id, hit);
      else missing.push(ref);
    }
    for (const ref of missing) {
      await db
        .insertInto('chat_group')
        .values({ workspace_id: workspaceId, connection_id: connectionId, platform, external_id: ref.id, name: ref.title || ref.id, created_at: now })
        .onConflict((oc) => oc.columns(['workspace_id', 'platform', 'external_id']).doNothing())
        .execute();
      const row = await db
        .selectFrom('chat_group')
        .select(['id', 'workspace_id', 'name', 'platform', 'timezone'])
        .where('workspace_id', '=', workspaceId)
        .where('platform', '=', platform)
        .where('external_id', '=', ref.id)
        .executeTakeFirstOrThrow();
      const group: KnownGroup = { id: row.id, workspaceId, name: row.name, platform, timezone: isTimeZone(row.timezone) ? row.timezone : 'UTC' };
      this.#stagedGroups.set(`${workspaceId}|${platform}|${ref.id}`, group);
      out.set(ref.id, group);
    }
    return out;
  }

  async members(db: Db, workspaceId: number, platform: string, refs: PersonRef[], firstSeenAt: (externalId: string) => number): Promise<Map<string, KnownMember>> {
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
    const ids = [...storedIds.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom('identity')
        .innerJoin('member', 'member.id', 'identity.member_id')
        .select(['identity.external_id', 'member.id', 'member.display_name', 'member.is_bot'])
        .where('identity.workspace_id', '=', workspaceId)
        .where('identity.platform', '=', platform)
        .where('identity.external_id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const row of rows) {
        const refId = storedIds.get(row.external_id)!;
        const known = { id: row.id, displayName: row.display_name, isBot: row.is_bot === 1 };
        this.#members.set(`${workspaceId}|${platform}|${refId}`, known);
        out.set(refId, known);
        missing.delete(refId);
      }
    }
    for (const ref of missing.values()) {
      const name = ref.name || ref.username || ref.id;
      const { id } = await db
        .insertInto('member')
        .values({ workspace_id: workspaceId, display_name: name, is_bot: ref.isBot ? 1 : 0, first_seen_at: firstSeenAt(ref.id) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('identity')
        .values({ workspace_id: workspaceId, member_id: id, platform, external_id: ref.id, display_name: name, username: ref.username ?? null })
        .execute();
      const known = { id, displayName: name, isBot: !!ref.isBot };
      this.#stagedMembers.set(`${workspaceId}|${platform}|${ref.id}`, known);
      out.set(ref.id, known);
    }
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
