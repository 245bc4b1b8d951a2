import { ROOT_CONTEXT, propagation, trace, type Context } from '@opentelemetry/api';
import fc from 'fast-check';
import { createPropagator, extractFrom, injectInto } from '../../../src/propagation/index.js';
import { headerValue } from '../arbitraries.js';
import type { FuzzCase } from '../fuzzCase.js';
import { baggageText } from './baggage.js';
import { traceParentText, traceStateText } from './traceContext.js';

const all = createPropagator(['tracecontext', 'baggage', 'b3', 'b3multi']);

/** Objects that look like carriers but misbehave: throwing accessors, frozen, proxies. */
const trap = fc.constantFrom(
  () => Object.freeze({ headers: Object.freeze({}) }),
  () => new Proxy({}, { get: () => { throw new Error('trap'); }, set: () => { throw new Error('trap'); } }),
  () => ({ get headers() { throw new Error('getter'); } }),
  () => ({ httpVersion: '1.1', headers: null }),
  () => ({ get: () => { throw new Error('get'); }, set: () => { throw new Error('set'); }, keys: () => { throw new Error('keys'); } }),
  () => new Map<unknown, unknown>([[1, 2], ['traceparent', 42]]),
  () => Object.create(null),
);
const headerObject = fc.record({ traceparent: headerValue(traceParentText), tracestate: headerValue(traceStateText), baggage: headerValue(baggageText), b3: headerValue(traceParentText) }, { requiredKeys: [] });
const carrier = fc.oneof(
  { weight: 4, arbitrary: headerObject },
  { weight: 2, arbitrary: headerObject.map((h) => ({ httpVersion: '1.1', headers: h })) },
  { weight: 1, arbitrary: headerObject.map((h) => new Map(Object.entries(h))) },
  { weight: 2, arbitrary: trap.map((make) => make()) },
  { weight: 2, arbitrary: fc.anything() },
);
const ctxWith: Context = propagation.setBaggage(
  trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 3 }),
  propagation.createBaggage({ k: { value: 'v' } }),
);

export const carrierCases: FuzzCase[] = [
  {
    parser: 'carriers (extractFrom/injectInto)',
    name: 'never throw on any carrier, well-formed or hostile, with every propagator',
    property: () =>
      fc.property(carrier, (c) => {
        const ctx = extractFrom(c, ROOT_CONTEXT, all);
        injectInto(c, ctx, all);
        injectInto(c, ctxWith, all);
        return true;
      }),
  },
];
