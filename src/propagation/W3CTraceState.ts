import type { TraceState } from '@opentelemetry/api';
import { parseTraceState, type TraceStateEntry } from './parseTraceState.js';
import { TRACESTATE_LONG_ENTRY, TRACESTATE_MAX_LENGTH, TRACESTATE_MAX_MEMBERS } from './traceContextLimits.js';
import { isTraceStateKey, isTraceStateValue } from './traceStateSyntax.js';

/**
 * An immutable, always-valid W3C `tracestate` (the OTel API's TraceState interface).
 *
 * Differences from @opentelemetry/core's TraceState, on purpose:
 * - built only from a strictly parsed header (see parseTraceState): invalid lists never get here;
 * - `set()` follows the spec's mutation rules: the entry moves to the left, and when the list
 *   then exceeds 32 members or TRACESTATE_MAX_LENGTH characters, other entries are truncated
 *   (whole entries; long ones first, then from the right). Core's `set()` silently refuses a
 *   value that would cross its 512-character cap, so a sampler could not record its threshold
 *   on a full list;
 * - an invalid key or value leaves the state unchanged (same as core), never throws.
 */
export class W3CTraceState implements TraceState {
  private serialized: string | undefined;

  private constructor(private readonly entries: readonly TraceStateEntry[]) {}

  /**
   * The state carried by header value(s), truncated to the propagation limit; undefined when the
   * header is absent, empty or invalid.
   */
  static fromHeader(header: unknown): W3CTraceState | undefined {
    const entries = parseTraceState(header);
    if (entries === undefined || entries.length === 0) return undefined;
    const fitted = fit(entries, false);
    return fitted.length === 0 ? undefined : new W3CTraceState(fitted);
  }

  get(key: string): string | undefined {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }

  set(key: string, value: string): TraceState {
    if (!isTraceStateKey(key) || !isTraceStateValue(value)) return this;
    const first = this.entries[0];
    if (first !== undefined && first[0] === key && first[1] === value) return this;
    const next: TraceStateEntry[] = [[key, value]];
    for (const e of this.entries) if (e[0] !== key) next.push(e);
    if (next.length > TRACESTATE_MAX_MEMBERS) next.length = TRACESTATE_MAX_MEMBERS;
    return new W3CTraceState(fit(next, true));
  }

  unset(key: string): TraceState {
    if (this.get(key) === undefined) return this;
    return new W3CTraceState(this.entries.filter((e) => e[0] !== key));
  }

  serialize(): string {
    if (this.serialized === undefined) {
      let out = '';
      for (const [k, v] of this.entries) out = out === '' ? `${k}=${v}` : `${out},${k}=${v}`;
      this.serialized = out;
    }
    return this.serialized;
  }
}

/**
 * Drops whole entries until the list fits TRACESTATE_MAX_LENGTH, in the spec's truncation order:
 * entries longer than TRACESTATE_LONG_ENTRY first, then from the right. Among the long ones, an
 * entry that could never fit on its own (over the limit by itself) goes before any other, then the
 * right-most: otherwise a 513-character entry would take a shorter one with it and leave nothing.
 * With `keepFirst`, the left-most entry (the one just set) is never dropped.
 */
function fit(entries: TraceStateEntry[], keepFirst: boolean): TraceStateEntry[] {
  const size = (e: TraceStateEntry) => e[0].length + 1 + e[1].length;
  let length = entries.length - 1;
  for (const e of entries) length += size(e);
  if (length <= TRACESTATE_MAX_LENGTH) return entries;
  const out = entries.slice();
  const lowest = keepFirst ? 1 : 0;
  const rightmost = (test: (e: TraceStateEntry) => boolean) => {
    for (let i = out.length - 1; i >= lowest; i--) if (test(out[i])) return i;
    return -1;
  };
  while (length > TRACESTATE_MAX_LENGTH && out.length > lowest) {
    let victim = rightmost((e) => size(e) > TRACESTATE_MAX_LENGTH);
    if (victim === -1) victim = rightmost((e) => size(e) > TRACESTATE_LONG_ENTRY);
    if (victim === -1) victim = out.length - 1;
    length -= size(out[victim]) + (out.length > 1 ? 1 : 0);
    out.splice(victim, 1);
  }
  return out;
}
