import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBufferPool } from '../../src/export/bufferPool.js';
import { createByteBuffer, footprint, type Batch } from '../../src/export/byteBuffer.js';

const filled = (size: number, value: number) => new Uint8Array(size).fill(value);

describe('buffer pool', () => {
  it('copies into a new buffer with headroom, then reuses that memory for a similar batch', () => {
    const pool = createBufferPool(1 << 20);
    const first = pool.allocate(filled(100_000, 1));
    expect(first.byteLength).toBe(100_000);
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBe(pool.capacityFor(100_000));
    expect(pool.capacityFor(100_000)).toBeGreaterThanOrEqual(112_500); // 1/8 headroom
    expect(pool.capacityFor(100_000) % 4096).toBe(0);

    expect(pool.give(first)).toBe(true);
    expect(pool.idleBytes).toBe(first.buffer.byteLength);
    const second = pool.reuse(filled(110_000, 2)); // 10 % larger: fits the headroom
    expect(second?.buffer).toBe(first.buffer);
    expect(second?.byteLength).toBe(110_000);
    expect(second!.every((v) => v === 2)).toBe(true);
    expect(pool.idleBytes).toBe(0);
  });

  it('reuses only a buffer that fits, the smallest of those, and not one far too large', () => {
    const pool = createBufferPool(1 << 24);
    const small = pool.allocate(filled(10_000, 1));
    const medium = pool.allocate(filled(50_000, 1));
    const large = pool.allocate(filled(200_000, 1));
    for (const v of [large, small, medium]) pool.give(v);
    expect(pool.reuse(filled(300_000, 3))).toBeUndefined();
    expect(pool.reuse(filled(40_000, 3))?.buffer).toBe(medium.buffer);
    // Only the large one is left that fits, but it is more than twice what 20 kB would get.
    expect(pool.reuse(filled(20_000, 3))).toBeUndefined();
    expect(pool.reuse(filled(9_000, 3))?.buffer).toBe(small.buffer);
    expect(pool.idleBytes).toBe(large.buffer.byteLength);
  });

  it('keeps idle memory under its cap and lets the rest go', () => {
    const pool = createBufferPool(300_000);
    const a = pool.allocate(filled(100_000, 1));
    const b = pool.allocate(filled(100_000, 1));
    const c = pool.allocate(filled(100_000, 1));
    expect(pool.give(a)).toBe(true);
    expect(pool.give(b)).toBe(true);
    expect(pool.give(c)).toBe(false); // three would be over 300 kB with headroom
    expect(pool.idleBytes).toBe(a.buffer.byteLength + b.buffer.byteLength);
    expect(pool.idleBytes).toBeLessThanOrEqual(pool.maxIdleBytes);
  });

  it('never keeps the same buffer idle twice', () => {
    const pool = createBufferPool(1 << 20);
    const a = pool.allocate(filled(1000, 1));
    expect(pool.give(a)).toBe(true);
    expect(pool.give(a)).toBe(false);
    expect(pool.reuse(filled(1000, 2))?.buffer).toBe(a.buffer);
    expect(pool.reuse(filled(1000, 2))).toBeUndefined();
  });

  it('discards the smallest idle buffer first, and clears', () => {
    const pool = createBufferPool(1 << 24);
    const small = pool.allocate(filled(10_000, 1));
    const large = pool.allocate(filled(100_000, 1));
    pool.give(large);
    pool.give(small);
    expect(pool.discardOne()).toBe(small.buffer.byteLength);
    expect(pool.idleBytes).toBe(large.buffer.byteLength);
    pool.clear();
    expect(pool.idleBytes).toBe(0);
    expect(pool.discardOne()).toBe(0);
  });

  it('counts a pooled batch by its capacity and idle memory against the byte buffer budget', () => {
    const pool = createBufferPool(1 << 20);
    const buffer = createByteBuffer(200_000, () => pool.idleBytes);
    const pooled: Batch = { bytes: pool.allocate(filled(50_000, 1)), spans: 10, pooled: true };
    const plain: Batch = { bytes: filled(50_000, 1), spans: 10 };
    expect(footprint(pooled)).toBe(pool.capacityFor(50_000));
    expect(footprint(plain)).toBe(50_000);
    buffer.hold(pooled);
    buffer.hold(plain);
    expect(buffer.heldBytes).toBe(pool.capacityFor(50_000) + 50_000);
    const spare = pool.allocate(filled(80_000, 1));
    pool.give(spare);
    const free = 200_000 - buffer.heldBytes - pool.idleBytes;
    expect(buffer.wouldOverflow(free)).toBe(false);
    expect(buffer.wouldOverflow(free + 1)).toBe(true);
    buffer.release(pooled);
    buffer.release(plain);
    expect(buffer.heldBytes).toBe(0);
  });

  it('property: a reused buffer never alters a batch still held, and idle memory is counted exactly', () => {
    type Op = { kind: 'add'; size: number } | { kind: 'settle'; pick: number } | { kind: 'discard' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), size: fc.integer({ min: 1, max: 40_000 }) }),
      fc.record({ kind: fc.constant('settle' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('discard' as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), fc.array(op, { maxLength: 80 }), (maxIdle, ops) => {
        const pool = createBufferPool(maxIdle);
        const live: { view: Uint8Array; fill: number }[] = [];
        const idle = new Set<ArrayBufferLike>();
        let fill = 0;
        for (const o of ops) {
          if (o.kind === 'add') {
            fill = (fill + 1) & 0xff;
            const src = filled(o.size, fill);
            const view = pool.reuse(src) ?? pool.allocate(src);
            expect(view.buffer.byteLength).toBeGreaterThanOrEqual(o.size);
            idle.delete(view.buffer);
            live.push({ view, fill });
          } else if (o.kind === 'settle' && live.length) {
            const [gone] = live.splice(o.pick % live.length, 1);
            if (pool.give(gone.view)) idle.add(gone.view.buffer);
          } else if (o.kind === 'discard') {
            const n = pool.discardOne();
            if (n) {
              // The smallest went: forget one idle buffer of that size from the model.
              const victim = [...idle].find((b) => b.byteLength === n);
              expect(victim).toBeDefined();
              idle.delete(victim!);
            }
          }
          // No two held batches share memory, and none has been overwritten.
          expect(new Set(live.map((l) => l.view.buffer)).size).toBe(live.length);
          for (const l of live) expect(l.view.every((v) => v === l.fill)).toBe(true);
          // Idle memory is what the model says, never over the cap, and never also held.
          expect(pool.idleBytes).toBe([...idle].reduce((s, b) => s + b.byteLength, 0));
          expect(pool.idleBytes).toBeLessThanOrEqual(maxIdle);
          for (const l of live) expect(idle.has(l.view.buffer)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
