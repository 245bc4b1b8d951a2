/** The pipeline-wide pause after retryable failures, with real (short) timers. */
import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../src/export/backoff.js';
import type { SendOutcome } from '../../src/export/transport.js';
import { sleep } from './pipelineHarness.js';

const retry = { initialBackoff: 40, maxBackoff: 400, maxUnreachableBackoff: 60, multiplier: 2, maxServerDelay: 1000 };
const fail = (extra: Partial<Extract<SendOutcome, { ok: false }>> = {}) =>
  ({ ok: false, retryable: true, unreachable: false, failure: 'UNAVAILABLE', message: '', ...extra }) as Extract<SendOutcome, { ok: false }>;

function setup(watch?: (wake: () => void) => void) {
  let resumed = 0;
  const b = createBackoff({ retry, resume: () => resumed++, watchReachable: watch, within: (fn) => fn() });
  return { b, resumed: () => resumed };
}

describe('backoff', () => {
  it('pauses, then resumes with a single probe', async () => {
    const { b, resumed } = setup();
    const d = b.failed(fail());
    expect(d).toBeGreaterThanOrEqual(20);
    expect(d).toBeLessThanOrEqual(40);
    expect(b.active).toBe(true);
    expect(b.failing).toBe(true);
    await sleep(d + 20);
    expect(resumed()).toBe(1);
    expect([b.active, b.probing]).toEqual([false, true]);
    b.succeeded();
    expect([b.probing, b.failing]).toEqual([false, false]);
  });

  it('joins a pause in progress instead of compounding it', () => {
    const { b } = setup();
    const first = b.failed(fail());
    const second = b.failed(fail());
    expect(second).toBeLessThanOrEqual(first);
    b.cancel();
  });

  it('keeps the pause short while the collector is unreachable', async () => {
    const { b } = setup();
    for (let i = 0; i < 6; i++) {
      const d = b.failed(fail({ unreachable: true }));
      expect(d).toBeLessThanOrEqual(60);
      await sleep(d + 5);
    }
    b.cancel();
  });

  it('ends early when the transport sees the collector again, unless the server asked for the delay', async () => {
    let wake: (() => void) | undefined;
    const { b, resumed } = setup((w) => (wake = w));
    b.failed(fail({ unreachable: true }));
    wake!();
    expect([b.active, resumed()]).toEqual([false, 1]);

    b.failed(fail({ retryAfterMs: 200 }));
    b.failed(fail({ unreachable: true }));
    wake!();
    b.succeeded();
    expect(b.active).toBe(true); // a server-requested delay is a floor
    b.cancel();
  });

  it('honours and bounds a server-requested delay', () => {
    const { b } = setup();
    expect(b.failed(fail({ retryAfterMs: 300 }))).toBeGreaterThanOrEqual(300);
    expect(b.failed(fail({ retryAfterMs: 50 }))).toBeGreaterThanOrEqual(250); // never shortened
    expect(b.failed(fail({ retryAfterMs: 60_000 }))).toBeLessThanOrEqual(1001);
    b.cancel();
  });

  it('still backs off when the server asks for no delay (Retry-After: 0, a past date, empty RetryInfo)', async () => {
    const { b } = setup();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const d = b.failed(fail({ retryAfterMs: 0 }));
      delays.push(d);
      await sleep(d + 5);
    }
    b.cancel();
    // The pipeline's own exponential backoff (40 ms, then up to 80, 160, 320, jittered), not 1 ms.
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(20);
    expect(delays[3]).toBeGreaterThan(delays[0]);
  });

  it('does not stretch a server-requested delay by the failures of an outage before it', async () => {
    const { b } = setup();
    for (let i = 0; i < 5; i++) {
      const d = b.failed(fail({ unreachable: true }));
      await sleep(d + 5);
    }
    // The collector is back and throttles: its 100 ms, not the outage's grown backoff (up to 400).
    const d = b.failed(fail({ retryAfterMs: 100 }));
    expect(d).toBeGreaterThanOrEqual(100);
    expect(d).toBeLessThanOrEqual(101);
    b.cancel();
  });
});
