import type { App } from '@slack/bolt';

type Listener = (args: never) => Promise<void> | void;
type Args = { payload?: { action_id?: unknown }; view?: { callback_id?: unknown }; event?: { type?: unknown } };
type Kind = 'action' | 'view' | 'event';

/**
 * The app with its buttons, forms and events found in one lookup (a button by its action id, a
 * form by its callback id, an event by its type). Bolt runs every request through each listener's
 * own middleware (a copy of its arguments at each step, then its id compared): with Liftoff's
 * forty-odd listeners that was about 1 ms of CPU per click, several times what the rest of Bolt
 * costs. Here a listener registered by its exact id or type (the only way Liftoff registers them,
 * but for the catch-alls of unknown requests) goes into a table, and one Bolt listener per kind
 * calls the one the request names (each Bolt listener costs every request about 5 µs: the three
 * events had three). Anything else is registered with Bolt as it is. An id registered twice is a
 * mistake, refused at start.
 */
export function routedById(app: App): App {
  const tables = {
    action: new Map<string, Listener>(),
    view: new Map<string, Listener>(),
    event: new Map<string, Listener>(),
  };
  const idOf = {
    action: (args: Args) => args.payload?.action_id,
    view: (args: Args) => args.view?.callback_id,
    event: (args: Args) => args.event?.type,
  };
  /** What the table's one Bolt listener matches (a view by id is a submission, as in Bolt). */
  const everything = { action: /^/, view: { callback_id: /^/, type: 'view_submission' }, event: /^/ };
  const route = (kind: Kind) => {
    const table = tables[kind];
    return (constraint: unknown, ...listeners: Listener[]) => {
      if (typeof constraint !== 'string' || listeners.length !== 1)
        return (app[kind] as (...a: unknown[]) => void)(constraint, ...listeners);
      if (table.has(constraint)) throw new Error(`two listeners for the ${kind} ${constraint}`);
      // The table's one Bolt listener, registered with the first id.
      if (!table.size)
        (app[kind] as (c: unknown, l: Listener) => void)(everything[kind], ((args: Args) => {
          const id = idOf[kind](args);
          return typeof id === 'string' ? (table.get(id) as ((a: Args) => unknown) | undefined)?.(args) : undefined;
        }) as Listener);
      table.set(constraint, listeners[0]!);
    };
  };
  const routes = { action: route('action'), view: route('view'), event: route('event') };
  return new Proxy(app, {
    get(target, prop) {
      if (prop === 'action' || prop === 'view' || prop === 'event') return routes[prop];
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
