/**
 * Propagation cost: tracewise's propagators next to the raw official ones (inject into / extract
 * from a plain header object with the API's default getter/setter), plus the carrier-detecting
 * injectInto/extractFrom helpers. `npx tsx bench/propagation.ts`.
 */
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator as CoreBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { W3CBaggagePropagator } from '../src/baggage/index.js';
import { createPropagator, extractFrom, injectInto } from '../src/propagation/index.js';
import { measure, report, traceIds, type BenchResult } from './harness.js';

const N = 1024; // distinct contexts / carriers, cycled, so nothing is constant-folded
const ids = traceIds(N);

function spanContexts(): Context[] {
  const base = propagation.setBaggage(
    ROOT_CONTEXT,
    propagation.createBaggage({
      'deployment.environment': { value: 'production' },
      'service.version': { value: '1.4.2' },
      tenant: { value: 'acme corp' },
      'user.tier': { value: 'gold' },
      'request.origin': { value: 'https://example.com/checkout?step=2' },
    }),
  );
  return ids.map((id) => trace.setSpanContext(base, { traceId: id, spanId: id.slice(0, 16), traceFlags: TraceFlags.SAMPLED }));
}

function carriersFrom(p: TextMapPropagator, contexts: Context[]): Record<string, string>[] {
  return contexts.map((ctx) => {
    const c: Record<string, string> = {};
    p.inject(ctx, c, defaultTextMapSetter);
    return c;
  });
}

function pair(label: string, official: TextMapPropagator, ours: TextMapPropagator, contexts: Context[]): BenchResult[] {
  const carriers = carriersFrom(official, contexts);
  let sink: unknown;
  const results = [
    measure(`official ${label} inject`, (i) => official.inject(contexts[i & (N - 1)], {}, defaultTextMapSetter)),
    measure(`tracewise ${label} inject`, (i) => ours.inject(contexts[i & (N - 1)], {}, defaultTextMapSetter)),
    measure(`official ${label} extract`, (i) => (sink = official.extract(ROOT_CONTEXT, carriers[i & (N - 1)], defaultTextMapGetter))),
    measure(`tracewise ${label} extract`, (i) => (sink = ours.extract(ROOT_CONTEXT, carriers[i & (N - 1)], defaultTextMapGetter))),
  ];
  void sink;
  return results;
}

export async function runPropagationBench(): Promise<BenchResult[]> {
  const contexts = spanContexts();
  const all: BenchResult[] = [];

  const tc = pair('tracecontext', new W3CTraceContextPropagator(), createPropagator(['tracecontext']), contexts);
  report('tracecontext (ns/op)', tc, 'official tracecontext inject');

  const b3 = pair('b3 single', new B3Propagator(), createPropagator(['b3']), contexts);
  const b3m = pair(
    'b3 multi',
    new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
    createPropagator(['b3multi']),
    contexts,
  );
  report('B3 (ns/op)', [...b3, ...b3m], 'official b3 single inject');

  const bg = pair('baggage (5 members)', new CoreBaggagePropagator(), new W3CBaggagePropagator(), contexts);
  report('W3C baggage, 5 members (ns/op)', bg, 'official baggage (5 members) inject');

  const composite = pair(
    'tracecontext+baggage',
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new CoreBaggagePropagator()] }),
    createPropagator(['tracecontext', 'baggage']),
    contexts,
  );
  // The helpers: carrier detection on top of the default propagator, same carriers.
  const ours = createPropagator(['tracecontext', 'baggage']);
  const headerCarriers = carriersFrom(ours, contexts);
  let sink: unknown;
  composite.push(
    measure('injectInto({}) tracecontext+baggage', (i) => injectInto({}, contexts[i & (N - 1)], ours)),
    measure('extractFrom(obj) tracecontext+baggage', (i) => (sink = extractFrom(headerCarriers[i & (N - 1)], ROOT_CONTEXT, ours))),
    measure('injectInto(Headers) tracecontext+baggage', (i) => injectInto(new Headers(), contexts[i & (N - 1)], ours), { iterations: 20_000 }),
  );
  void sink;
  report('default set: tracecontext + baggage (ns/op)', composite, 'official tracecontext+baggage inject');

  all.push(...tc, ...b3, ...b3m, ...bg, ...composite);
  return all;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPropagationBench();
}
