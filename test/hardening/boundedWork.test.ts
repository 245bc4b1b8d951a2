import { ROOT_CONTEXT, type TextMapGetter } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { BAGGAGE_MAX_SCAN } from '../../src/baggage/limits.js';
import { parseBaggageHeader } from '../../src/baggage/parseBaggageHeader.js';
import { W3CBaggagePropagator } from '../../src/baggage/W3CBaggagePropagator.js';
import { parseTraceParent } from '../../src/propagation/parseTraceParent.js';
import { parseTraceState } from '../../src/propagation/parseTraceState.js';
import { TRACEPARENT_MAX_LENGTH, TRACESTATE_MAX_SCAN } from '../../src/propagation/traceContextLimits.js';
import { W3CTraceContextPropagator } from '../../src/propagation/W3CTraceContextPropagator.js';

/**
 * Work per header is bounded by construction: lengths and element counts are capped before any
 * scan. Checked here by counting what the parsers read (a Proxy over huge arrays), not by timing.
 */
function counted<T>(items: T[]): { array: T[]; reads: () => number } {
  let reads = 0;
  const array = new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { array, reads: () => reads };
}

const MANY = 1_000_000;

describe('bounded work per header', () => {
  it('tracestate: a million values are read only up to the scan limit', () => {
    for (const fill of ['', 'a=1', 'x'.repeat(100)]) {
      const { array, reads } = counted(new Array<string>(MANY).fill(fill));
      expect(parseTraceState(array)).toBeUndefined();
      expect(reads()).toBeLessThanOrEqual(TRACESTATE_MAX_SCAN + 2);
    }
  });

  it('traceparent: several values are rejected without reading them; long values by length alone', () => {
    const { array, reads } = counted(new Array<string>(MANY).fill('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'));
    expect(parseTraceParent(array)).toBeUndefined();
    expect(reads()).toBe(0);
    expect(parseTraceParent(`00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01${' '.repeat(TRACEPARENT_MAX_LENGTH)}`)).toBeUndefined();
  });

  it('baggage: a million values (empty, non-strings or members) are read only up to the scan limit', () => {
    for (const fill of ['', 42, 'k=v']) {
      const { array, reads } = counted(new Array<unknown>(MANY).fill(fill));
      parseBaggageHeader(array);
      expect(reads()).toBeLessThanOrEqual(BAGGAGE_MAX_SCAN);
    }
  });

  it('the propagators read each header once per extract', () => {
    const gets: string[] = [];
    const getter: TextMapGetter = {
      keys: () => [],
      get: (_c, k) => {
        gets.push(k);
        return k === 'traceparent' ? '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' : 'a=1';
      },
    };
    new W3CTraceContextPropagator().extract(ROOT_CONTEXT, {}, getter);
    new W3CBaggagePropagator().extract(ROOT_CONTEXT, {}, getter);
    expect(gets).toEqual(['traceparent', 'tracestate', 'baggage']);
  });
});
