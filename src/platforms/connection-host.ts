import type { Logger } from 'pino';
import type { Connection, GroupMoveOutcome, OpenContext, PlatformSender } from './platform-module.js';

/** A batch of received events on its way to the event queue (the queue's EventBatch, by shape). */
export interface EventBatchLike {
  workspaceId: number;
  connectionId?: number | null;
  events: readonly unknown[];
  automations?: boolean;
}

/**
 * What opening a connection needs of the process it runs in, by shape: HearthRuntime
 * has it. Declared here so platform code never imports the runtime.
 */
export interface ConnectionHost {
  /** The live connections by id: the dispatcher sends through them. */
  readonly connections: Map<number, PlatformSender>;
  readonly clock: () => number;
  readonly log: Logger;
  /** Received events into the event queue (ingested here, or by a worker in scale mode). */
  receive(batch: EventBatchLike): Promise<void>;
  /** A platform gave a group a new id: the store moves the Hearth group (see store/groups.ts rekeyGroup). */
  moveGroup(workspaceId: number, platform: string, move: { from: string; to: string }): Promise<GroupMoveOutcome>;
}

/**
 * The OpenContext every module is opened with in a host: events go to the host's
 * queue for the connection's workspace, group moves to the host's store.
 */
export function openContextFor(
  host: ConnectionHost,
  connection: Connection,
  extra: Pick<OpenContext, 'receive'> & Partial<Pick<OpenContext, 'dataDir' | 'print' | 'log' | 'loginPrompt'>>,
): OpenContext {
  const { id, workspaceId, platform } = connection;
  return {
    clock: host.clock,
    log: extra.log ?? host.log.child({ connection: id, platform }),
    sink: (events, options) => host.receive({ workspaceId, connectionId: id, events, ...(options?.automations === undefined ? {} : { automations: options.automations }) }),
    moveGroup: (move) => host.moveGroup(workspaceId, platform, move),
    receive: extra.receive,
    ...(extra.dataDir !== undefined ? { dataDir: extra.dataDir } : {}),
    ...(extra.print ? { print: extra.print } : {}),
    ...(extra.loginPrompt ? { loginPrompt: extra.loginPrompt } : {}),
  };
}
