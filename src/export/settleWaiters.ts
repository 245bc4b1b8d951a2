/**
 * Waiting, bounded by a deadline, for a set of batches to settle (delivered, dropped or stored
 * on disk): what forceFlush() and shutdown() wait for.
 *
 * The deadline timers here are deliberately not unref'd, unlike every other timer of the
 * pipeline: a caller awaits them, and an unref'd wait would let the process exit in the middle
 * of a flush while retries are backing off (their timers are unref'd). They live only while
 * someone awaits a flush, and never past its deadline.
 */
export interface SettleWaiters<T> {
  /** `item` settled. */
  settle(item: T): void;
  /** Resolves true once every item of `items` settled, false at the deadline. */
  wait(items: Set<T>, deadline: number): Promise<boolean>;
}

export function createSettleWaiters<T>(): SettleWaiters<T> {
  const waiters = new Set<{ items: Set<T>; done(): void }>();
  return {
    settle(item) {
      for (const w of waiters) if (w.items.delete(item) && w.items.size === 0) w.done();
    },
    wait(items, deadline) {
      return new Promise<boolean>((resolve) => {
        if (items.size === 0) return resolve(true);
        const timer = setTimeout(() => {
          waiters.delete(w);
          resolve(false);
        }, Math.max(0, deadline - Date.now()));
        const w = {
          items,
          done: () => {
            clearTimeout(timer);
            waiters.delete(w);
            resolve(true);
          },
        };
        waiters.add(w);
      });
    },
  };
}

/** Resolves true when `p` settles, false at the deadline; never rejects. Same timer policy as above. */
export function beforeDeadline(p: Promise<unknown>, deadline: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    p.then(done, done);
  });
}
