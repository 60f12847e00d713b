/**
 * Who waits on which deployment: `changed(id)` after every committed change
 * wakes the waiters of that deployment (the API's gate long-poll), so a wait
 * answers as soon as something happens instead of polling.
 */
export function createChangeFeed() {
  const waiters = new Map<number, Set<() => void>>();
  return {
    changed(id: number): void {
      const set = waiters.get(id);
      if (!set) return;
      waiters.delete(id);
      for (const wake of set) wake();
    },
    /** Resolves on the next change of `id`, after `ms`, or when `signal` aborts, whichever comes first. */
    next(id: number, ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          set.delete(done);
          if (!set.size && waiters.get(id) === set) waiters.delete(id);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        set.add(done);
      });
    },
    /** Wakes every waiter (stop). */
    wakeAll(): void {
      for (const id of [...waiters.keys()]) this.changed(id);
    },
  };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;
