import { execFileSync } from 'node:child_process';
import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createPropagator, environmentCarrier, environmentName } from '../../src/propagation/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('environment variables as carriers', () => {
  const p = createPropagator(['tracecontext', 'baggage', 'b3multi']);
  const ctx = propagation.setBaggage(
    trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 3, traceState: undefined }),
    propagation.createBaggage({ job: { value: 'nightly etl' } }),
  );

  it('maps fields to upper-case names', () => {
    expect(['traceparent', 'tracestate', 'baggage', 'x-b3-traceid'].map(environmentName)).toEqual(['TRACEPARENT', 'TRACESTATE', 'BAGGAGE', 'X_B3_TRACEID']);
  });

  it('injects TRACEPARENT / BAGGAGE / X_B3_* into a copy of the environment, and extracts them', () => {
    const env: Record<string, string | undefined> = { PATH: '/usr/bin' };
    p.inject(ctx, env, environmentCarrier);
    expect(env).toMatchObject({ TRACEPARENT: `00-${TRACE_ID}-${SPAN_ID}-03`, BAGGAGE: 'job=nightly%20etl', X_B3_TRACEID: TRACE_ID, PATH: '/usr/bin' });
    expect(Object.keys(env).filter((k) => k !== k.toUpperCase())).toEqual([]);
    const back = p.extract(ROOT_CONTEXT, env, environmentCarrier);
    expect(trace.getSpanContext(back)).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true });
    expect(propagation.getBaggage(back)?.getEntry('job')?.value).toBe('nightly etl');
  });

  it('reaches a child process, which reads only the canonical upper-case names', () => {
    const env = { ...process.env };
    p.inject(ctx, env, environmentCarrier);
    const seen = execFileSync(process.execPath, ['-e', 'console.log(JSON.stringify([process.env.TRACEPARENT, process.env.BAGGAGE]))'], { env, encoding: 'utf8' });
    expect(JSON.parse(seen)).toEqual([`00-${TRACE_ID}-${SPAN_ID}-03`, 'job=nightly%20etl']);
    expect(trace.getSpanContext(p.extract(ROOT_CONTEXT, { traceparent: env.TRACEPARENT }, environmentCarrier))).toBeUndefined();
  });

  it('an invalid TRACEPARENT in the environment yields no parent', () => {
    expect(trace.getSpanContext(p.extract(ROOT_CONTEXT, { TRACEPARENT: 'garbage' }, environmentCarrier))).toBeUndefined();
  });
});
