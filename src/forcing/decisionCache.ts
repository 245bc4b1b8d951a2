import type { ForcedReason } from './forcedReason.js';

/**
 * The keep decisions of the last `capacity` kept traces, by trace ID: another local part of a
 * kept trace (a second request of the same trace into this service, a sibling local root still
 * running) is kept too when it is decided, so the service's share of that trace stays whole.
 * Drops are not remembered: a later part that errors must still be able to keep itself.
 *
 * A ring of keys gives O(1) eviction of the oldest; deleting the first entry of a Map and
 * asking for the next one walks the deleted slots, which is quadratic between rehashes.
 */
export class DecisionCache {
  private readonly map = new Map<string, ForcedReason>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.map.size;
  }

  get(traceId: string): ForcedReason | undefined {
    return this.map.size === 0 ? undefined : this.map.get(traceId);
  }

  set(traceId: string, reason: ForcedReason): void {
    if (this.capacity === 0) return;
    if (!this.map.has(traceId)) {
      const old = this.ring[this.next];
      if (old !== undefined) this.map.delete(old);
      this.ring[this.next] = traceId;
      this.next = (this.next + 1) % this.capacity;
    }
    this.map.set(traceId, reason);
  }
}
