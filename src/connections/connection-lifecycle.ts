import { type Capability, capabilitiesFor } from '../core/capabilities.js';
import type { Action } from '../core/action.js';
import type { GroupStanding, SetupContext } from '../platforms/platform-module.js';
import { platformModule } from '../platforms/platform-registry.js';
import type { ConnectionStore, ConnectionSummary } from './connection-store.js';
import { prepareConnectionSettings, settingsErrorOf } from './platform-connections.js';

/** How many of a group's latest outbox actions say which capabilities are in use there. */
const ACTIONS_READ = 200;

/** A group of a connection, with the bot's standing there and what it lacks of what Hearth uses. */
export interface GroupStandingReport {
  id: number;
  name: string;
  externalId: string;
  role: string;
  /** Capabilities Hearth uses in the group that the bot cannot use there, with the right each needs. */
  missing: GroupStanding['missing'];
  /** Capabilities the bot lacks there that nothing uses yet. */
  lacking: GroupStanding['missing'];
  error?: string;
}

/**
 * An operator's changes to a connection, carried out with its platform in the right
 * order: settings are checked with the platform before anything is stored (a token
 * it refuses is never saved), the platform is told where to deliver once the row
 * exists (Telegram's setWebhook) and the row is taken back if that fails; a pause or
 * a removal tells the platform to stop delivering first. Never names a platform.
 *
 * @example
 * const lifecycle = new ConnectionLifecycle(store, { publicUrl: 'https://hearth.example.com' });
 * const added = await lifecycle.add({ workspaceId, platform: 'telegram', name: 'main', settings: { token } });
 */
export class ConnectionLifecycle {
  constructor(
    private readonly store: ConnectionStore,
    private readonly context: SetupContext,
  ) {}

  /** Checks, stores and attaches a connection. Throws ConnectionSettingsError (nothing stored) when the settings or the platform refuse. */
  async add(input: { workspaceId: number; platform: string; name: string; settings: Record<string, unknown> }, now: number): Promise<ConnectionSummary> {
    const settings = await prepareConnectionSettings(input.platform, input.settings, this.context);
    const added = await this.store.add({ ...input, settings }, now);
    try {
      await this.#attach(added.id);
    } catch (error) {
      await this.store.remove(added.id);
      throw settingsErrorOf(error);
    }
    return added;
  }

  /**
   * Pauses a connection: the platform stops delivering to it. Returns the platform's
   * words when it could not be told (the connection is paused all the same).
   */
  async pause(id: number): Promise<{ connection: ConnectionSummary; warning?: string }> {
    const warning = await this.#detach(id);
    const connection = await this.store.setStatus(id, 'paused');
    return { connection, ...(warning ? { warning } : {}) };
  }

  /** Resumes a paused connection and attaches it again; when the platform refuses, it stays paused and this throws. */
  async resume(id: number): Promise<ConnectionSummary> {
    try {
      await this.#attach(id);
    } catch (error) {
      throw settingsErrorOf(error);
    }
    return this.store.setStatus(id, 'active');
  }

  /** Detaches and removes a connection; its groups and history stay. Returns the platform's words when it could not be told. */
  async remove(id: number): Promise<{ warning?: string }> {
    const warning = await this.#detach(id);
    await this.store.remove(id);
    return warning ? { warning } : {};
  }

  /**
   * The connection's groups with the bot's standing in each (asked of the platform)
   * and what it lacks of the capabilities in use there: reading messages, and what
   * the group's latest actions asked for.
   */
  async standing(id: number): Promise<GroupStandingReport[]> {
    const connection = await this.store.get(id);
    const groups = await this.store.groups(id);
    const module = platformModule(connection.platform);
    if (groups.length === 0) return [];
    if (!module?.standing) return groups.map((g) => ({ ...g, role: 'unknown', missing: [], lacking: [] }));
    const standings = new Map(
      (
        await module.standing(
          connection,
          groups.map((g) => g.externalId),
        )
      ).map((s) => [s.externalId, s]),
    );
    const reports: GroupStandingReport[] = [];
    for (const g of groups) {
      const s = standings.get(g.externalId) ?? { externalId: g.externalId, role: 'unknown', missing: [] };
      const inUse = await this.#capabilitiesInUse(g.id);
      reports.push({
        ...g,
        role: s.role,
        missing: s.missing.filter((m) => inUse.has(m.capability)),
        lacking: s.missing.filter((m) => !inUse.has(m.capability)),
        ...(s.error ? { error: s.error } : {}),
      });
    }
    return reports;
  }

  async #capabilitiesInUse(groupId: number): Promise<Set<Capability>> {
    const used = new Set<Capability>(['read_messages']);
    for (const action of await this.store.recentActions(groupId, ACTIONS_READ)) {
      try {
        for (const c of capabilitiesFor(JSON.parse(action) as Action)) used.add(c);
      } catch {
        // An action this version cannot read asks for nothing it knows.
      }
    }
    return used;
  }

  async #attach(id: number): Promise<void> {
    const connection = await this.store.get(id);
    await platformModule(connection.platform)?.attach?.(connection, this.context);
  }

  async #detach(id: number): Promise<string | undefined> {
    const connection = await this.store.get(id);
    try {
      await platformModule(connection.platform)?.detach?.(connection, this.context);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}
