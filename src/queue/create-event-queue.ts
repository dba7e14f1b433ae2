import type { BullmqEventQueueOptions } from './bullmq-queue.js';
import type { EventQueue } from './event-queue.js';
import { InProcessEventQueue } from './in-process-queue.js';

export interface CreateEventQueueOptions extends Omit<BullmqEventQueueOptions, 'redisUrl'> {
  /** Set (scale mode): BullMQ on this Redis. Unset (embedded): the in-process queue. */
  redisUrl?: string | undefined;
}

/**
 * The event queue for this process: BullMQ when a Redis URL is given, the in-process
 * queue otherwise. BullMQ and ioredis are loaded only in the first case, so an
 * embedded install never loads them. Redis-only options (prefix, name, concurrency,
 * keep, onError) are ignored in process.
 *
 * @example
 * const queue = await createEventQueue({ redisUrl: config.redisUrl, onFailed: (err, batch) => log.error({ err, workspace: batch.workspaceId }, 'batch given up') });
 */
export async function createEventQueue(options: CreateEventQueueOptions = {}): Promise<EventQueue> {
  const { redisUrl, ...rest } = options;
  if (redisUrl) {
    const { BullmqEventQueue } = await import('./bullmq-queue.js');
    return new BullmqEventQueue({ ...rest, redisUrl });
  }
  return new InProcessEventQueue({ attempts: rest.attempts, backoffMs: rest.backoffMs, onFailed: rest.onFailed });
}
