import type { AutomationContext } from './automation-context.js';
import type { EventKind, EventOf } from './event.js';

/** One step of the pipeline: look at the context, plan actions, and call next() to go on. */
export type Middleware<C = AutomationContext> = (ctx: C, next: () => void) => void;

/** Something that can be composed: a middleware or a Composer. */
export type MiddlewareLike<C = AutomationContext> = Middleware<C> | { middleware(): Middleware<C> };

const pass = () => {};

function flatten<C>(m: MiddlewareLike<C>): Middleware<C> {
  return typeof m === 'function' ? m : m.middleware();
}

/** Runs middleware in order; each decides whether the rest runs. next() may be called once. */
export function compose<C>(stack: readonly Middleware<C>[]): Middleware<C> {
  return (ctx, done) => {
    const run = (i: number) => {
      const m = stack[i];
      if (!m) return done();
      let called = false;
      m(ctx, () => {
        if (called) throw new Error('next() called twice in one middleware');
        called = true;
        run(i + 1);
      });
    };
    run(0);
  };
}

/**
 * Builds the automation pipeline out of middleware, the way grammY's Composer does:
 * `use` appends, `filter` runs a branch only when a predicate holds, `on` filters by
 * event kind, `route` picks one of several branches. Everything is synchronous and
 * pure: automations read the context and plan actions.
 *
 * @example
 *   const bot = new Composer();
 *   bot.on('member.joined', (ctx) => ctx.act('welcome', { type: 'send_message', groupId: ctx.group.id, text: 'Hi' }));
 */
export class Composer<C extends { event: { kind: string } } = AutomationContext> {
  #stack: Middleware<C>[] = [];

  constructor(...middleware: MiddlewareLike<C>[]) {
    this.use(...middleware);
  }

  use(...middleware: MiddlewareLike<C>[]): this {
    this.#stack.push(...middleware.map(flatten));
    return this;
  }

  /** Runs `middleware` when `predicate` holds, then goes on with the rest either way. */
  filter(predicate: (ctx: C) => boolean, ...middleware: MiddlewareLike<C>[]): this {
    const branch = compose(middleware.map(flatten));
    return this.use((ctx, next) => (predicate(ctx) ? branch(ctx, next) : next()));
  }

  /** Runs `middleware` for events of the given kinds. */
  on<K extends EventKind>(kinds: K | K[], ...middleware: MiddlewareLike<C & { event: EventOf<K> }>[]): this {
    const wanted = new Set<string>(Array.isArray(kinds) ? kinds : [kinds]);
    return this.filter((ctx) => wanted.has(ctx.event.kind), ...(middleware as unknown as MiddlewareLike<C>[]));
  }

  /** Sends the context down the branch `router` names (or `fallback`), then goes on. */
  route(router: (ctx: C) => string | undefined, routes: Record<string, MiddlewareLike<C>>, fallback?: MiddlewareLike<C>): this {
    const branches = new Map(Object.entries(routes).map(([k, m]) => [k, flatten(m)]));
    const otherwise = fallback ? flatten(fallback) : undefined;
    return this.use((ctx, next) => {
      const key = router(ctx);
      const branch = (key !== undefined ? branches.get(key) : undefined) ?? otherwise;
      return branch ? branch(ctx, next) : next();
    });
  }

  middleware(): Middleware<C> {
    return compose(this.#stack.slice());
  }

  /** Runs the whole pipeline on a context. */
  run(ctx: C): void {
    this.middleware()(ctx, pass);
  }
}
