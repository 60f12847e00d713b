import type { App } from '@slack/bolt';

type Listener = (args: never) => Promise<void> | void;
type Args = {
  payload?: { action_id?: unknown };
  body?: { type?: unknown };
  action?: unknown;
  view?: { callback_id?: unknown };
  event?: { type?: unknown };
};
type Kind = 'action' | 'view' | 'event';

/**
 * The app with its buttons, forms and events found in one lookup (a button by its action id, a
 * form by its callback id, an event by its type). Bolt runs every request through each of its
 * listeners' own middleware (a copy of its arguments at each step, then its id compared): with
 * Liftoff's forty-odd listeners that was about 1 ms of CPU per click. Here a listener registered by
 * its exact id or type (the only way Liftoff registers them, but for the catch-alls of unknown
 * requests) goes into a table, and one global middleware, the last, calls the one the request names
 * and ends the request there: Bolt's listeners are not run for it at all (each costs every request
 * about 7 µs, and eight cost a click a fortieth of its CPU). A request no table knows goes on to
 * Bolt's listeners, where what is registered by pattern (the catch-alls) answers it: a pattern
 * never sees what a table knows. A global middleware added once a table listener is in would never
 * run for the tables' requests, and an id registered twice is a mistake: both are refused at start.
 */
export function routedById(app: App): App {
  const tables = {
    action: new Map<string, Listener>(),
    view: new Map<string, Listener>(),
    event: new Map<string, Listener>(),
  };
  /** The table's listener for the request in `args`, as Bolt's own filters would match it. */
  const routeOf = (args: Args): Listener | undefined => {
    if (args.action) return lookup(tables.action, args.payload?.action_id);
    if (args.view)
      return args.body?.type === 'view_submission' ? lookup(tables.view, args.view.callback_id) : undefined;
    if (args.event) return lookup(tables.event, args.event.type);
    return undefined;
  };
  let routing = false;
  const route = (kind: Kind) => {
    const table = tables[kind];
    return (constraint: unknown, ...listeners: Listener[]) => {
      if (typeof constraint !== 'string' || listeners.length !== 1)
        return (app[kind] as (...a: unknown[]) => void)(constraint, ...listeners);
      if (table.has(constraint)) throw new Error(`two listeners for the ${kind} ${constraint}`);
      if (!routing) {
        routing = true;
        app.use(async (args) => {
          const listener = routeOf(args as Args);
          if (!listener) return args.next();
          // As Bolt calls a listener: its arguments, and a `next` that does nothing.
          await (listener as (a: unknown) => unknown)({ ...args, next: () => undefined });
        });
      }
      table.set(constraint, listeners[0]!);
    };
  };
  const routes = { action: route('action'), view: route('view'), event: route('event') };
  const use = (...middleware: unknown[]) => {
    if (routing)
      throw new Error('a global middleware comes before the listeners by id, not after (it would not run for them)');
    return (app.use as (...m: unknown[]) => unknown)(...middleware);
  };
  return new Proxy(app, {
    get(target, prop) {
      if (prop === 'action' || prop === 'view' || prop === 'event') return routes[prop];
      if (prop === 'use') return use;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function lookup(table: Map<string, Listener>, id: unknown): Listener | undefined {
  return typeof id === 'string' ? table.get(id) : undefined;
}
