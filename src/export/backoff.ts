import type { RetryOptions } from './exportPipelineOptions.js';
import { backoffDelay, serverDelay } from './retryPolicy.js';
import type { SendOutcome } from './transport.js';

type Failure = Extract<SendOutcome, { ok: false }>;

/**
 * When sending pauses after a retryable failure, and for how long. One backoff for the whole
 * pipeline: a failure says the collector is in trouble, so every batch waits, not just the one
 * that failed. After the pause a single request probes before the others follow.
 */
export interface Backoff {
  /** Sending is paused. */
  readonly active: boolean;
  /** The pause ended by its timer and no request has succeeded since: send one at a time. */
  readonly probing: boolean;
  /** A retryable failure happened and no request has succeeded since. */
  readonly failing: boolean;
  /** Records a retryable failure; returns the delay until sending resumes. */
  failed(out: Failure): number;
  /** Records a success: a pause not requested by the server ends at once. */
  succeeded(): void;
  cancel(): void;
}

export interface BackoffOptions {
  retry: Required<RetryOptions>;
  /** Sending may resume. */
  resume(): void;
  /** Optional early signal that the collector is reachable again (gRPC channel READY). */
  watchReachable?(wake: () => void): void;
  within<T>(fn: () => T): T;
}

export function createBackoff(o: BackoffOptions): Backoff {
  let timer: NodeJS.Timeout | undefined;
  let until = 0;
  // The server asked for this pause (RetryInfo, Retry-After): nothing may shorten it.
  let throttled = false;
  let probing = false;
  let failures = 0;
  /** Consecutive failures that came with a server-requested delay (reset by a success). */
  let throttles = 0;

  const arm = (at: number, byServer: boolean) => {
    clearTimeout(timer);
    until = at;
    throttled = byServer;
    timer = o.within(() => setTimeout(onTimer, Math.max(0, at - Date.now())));
    timer.unref();
  };
  const onTimer = () => {
    probing = true;
    end();
  };
  const end = () => {
    clearTimeout(timer);
    timer = undefined;
    throttled = false;
    o.resume();
  };
  const wake = () => o.within(() => {
    if (timer && !throttled) end();
  });

  return {
    get active() {
      return timer !== undefined;
    },
    get probing() {
      return probing;
    },
    get failing() {
      return failures > 0;
    },
    failed(out) {
      const now = Date.now();
      if (out.retryAfterMs !== undefined) {
        failures++;
        throttles++;
        // The server's delay is a floor, not a replacement for backing off: `Retry-After: 0`, a
        // date in the past or an empty RetryInfo would otherwise retry every millisecond. The
        // own part counts only such answers in a row, so a first throttle after an outage is not
        // stretched by the outage's failures. +1 ms: a timer may fire a fraction of a millisecond early.
        const own = backoffDelay(throttles, o.retry.maxBackoff, o.retry);
        const at = now + Math.max(serverDelay(out.retryAfterMs, o.retry), own) + 1;
        if (!timer || at > until) arm(at, true);
        else throttled = true;
      } else if (!timer) {
        // Requests in flight together fail together: the first sets the pause, the others
        // join it instead of compounding it.
        failures++;
        const cap = out.unreachable ? Math.min(o.retry.maxBackoff, o.retry.maxUnreachableBackoff) : o.retry.maxBackoff;
        arm(now + backoffDelay(failures, cap, o.retry), false);
      }
      if (out.unreachable && !throttled) o.watchReachable?.(wake);
      return Math.max(0, until - now);
    },
    succeeded() {
      failures = 0;
      throttles = 0;
      probing = false;
      if (timer && !throttled) end();
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
