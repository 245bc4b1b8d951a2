import type { TraceState } from '@opentelemetry/api';

let lastIn: TraceState | undefined;
let lastOut: TraceState | undefined;

/**
 * `ts` without the `th` sub-key of its `ot` member; every other member and `ot` sub-key is
 * preserved, and `ot` is removed when nothing else is left in it. A forced keep is not
 * probabilistic, so a `th` would make backends extrapolate it.
 */
export function eraseThreshold(ts: TraceState | undefined): TraceState | undefined {
  if (ts === undefined) return undefined;
  // The spans of one local trace share one TraceState object: a one-entry cache.
  if (ts === lastIn) return lastOut;
  const ot = ts.get('ot');
  let out = ts;
  if (ot !== undefined && (ot.startsWith('th:') || ot.includes(';th:'))) {
    const rest = ot
      .split(';')
      .filter((part) => !part.startsWith('th:'))
      .join(';');
    out = rest === '' ? ts.unset('ot') : ts.set('ot', rest);
  }
  lastIn = ts;
  lastOut = out;
  return out;
}
