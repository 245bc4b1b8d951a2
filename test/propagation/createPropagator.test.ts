import {
  ROOT_CONTEXT,
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  DiagLogLevel,
  propagation,
  trace,
  TraceFlags,
  type DiagLogger,
} from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetEnvWarnings } from '../../src/env.js';
import {
  createPropagator,
  DEFAULT_PROPAGATORS,
  propagatorsFromEnv,
  validatePropagators,
} from '../../src/propagation/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const spanCtx = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
const withBaggage = propagation.setBaggage(spanCtx, propagation.createBaggage({ tenant: { value: 'a b' } }));

function injected(names: Parameters<typeof createPropagator>[0]): Record<string, string> {
  const carrier: Record<string, string> = {};
  createPropagator(names).inject(withBaggage, carrier, defaultTextMapSetter);
  return carrier;
}

describe('createPropagator', () => {
  it('default: traceparent and baggage', () => {
    expect(injected(DEFAULT_PROPAGATORS)).toEqual({
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
      baggage: 'tenant=a%20b',
    });
  });

  it('b3 writes the single header, b3multi the x-b3-* headers', () => {
    expect(injected(['b3'])).toEqual({ b3: `${TRACE_ID}-${SPAN_ID}-1` });
    expect(injected(['b3multi'])).toEqual({ 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': SPAN_ID, 'x-b3-sampled': '1' });
  });

  it('combines in order and extracts what any of them finds', () => {
    const p = createPropagator(['tracecontext', 'b3multi', 'baggage']);
    expect(p.fields()).toEqual(expect.arrayContaining(['traceparent', 'tracestate', 'x-b3-traceid', 'baggage']));
    const ctx = p.extract(ROOT_CONTEXT, { 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': SPAN_ID, baggage: 'k=v' }, defaultTextMapGetter);
    expect(trace.getSpanContext(ctx)?.traceId).toBe(TRACE_ID);
    expect(propagation.getBaggage(ctx)?.getEntry('k')?.value).toBe('v');
  });

  it("['none'] injects and extracts nothing", () => {
    const p = createPropagator(['none']);
    expect(injected(['none'])).toEqual({});
    expect(p.extract(ROOT_CONTEXT, { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }, defaultTextMapGetter)).toBe(ROOT_CONTEXT);
    expect(p.fields()).toEqual([]);
  });

  it('normalises and de-duplicates names', () => {
    expect(validatePropagators([' TraceContext', 'tracecontext', 'B3'])).toEqual(['tracecontext', 'b3']);
  });

  it.each([
    [['jaeger']],
    [[]],
    [['none', 'b3']],
    [[42]],
  ])('throws InvalidConfigError for %j', (names) => {
    expect(() => createPropagator(names as never)).toThrow(
      expect.objectContaining({ code: 'TRACEWISE_INVALID_CONFIG', option: 'propagators' }),
    );
  });
});

describe('propagatorsFromEnv', () => {
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    resetEnvWarnings();
    const logger: DiagLogger = {
      error: (m) => warnings.push(m),
      warn: (m) => warnings.push(m),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
  });
  afterEach(() => diag.disable());

  it('unset or blank: undefined, no warning', () => {
    expect(propagatorsFromEnv({})).toBeUndefined();
    expect(propagatorsFromEnv({ OTEL_PROPAGATORS: '  ' })).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('parses a trimmed, case-insensitive, de-duplicated list', () => {
    expect(propagatorsFromEnv({ OTEL_PROPAGATORS: ' B3multi , tracecontext,,b3MULTI ,baggage' })).toEqual([
      'b3multi',
      'tracecontext',
      'baggage',
    ]);
    expect(warnings).toEqual([]);
  });

  it('skips unknown names and reports them once, in one message', () => {
    expect(propagatorsFromEnv({ OTEL_PROPAGATORS: 'jaeger,tracecontext,xray' })).toEqual(['tracecontext']);
    expect(propagatorsFromEnv({ OTEL_PROPAGATORS: 'jaeger,tracecontext,xray' })).toEqual(['tracecontext']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('OTEL_PROPAGATORS');
    expect(warnings[0]).toContain('"jaeger", "xray"');
  });

  it('nothing valid left: undefined (the caller keeps its default)', () => {
    expect(propagatorsFromEnv({ OTEL_PROPAGATORS: 'ottrace' })).toBeUndefined();
    expect(warnings[0]).toContain('the default');
  });

  it("'none' alone disables; next to others it is dropped with a warning", () => {
    expect(propagatorsFromEnv({ OTEL_PROPAGATORS: 'none' })).toEqual(['none']);
    expect(warnings).toEqual([]);
    expect(propagatorsFromEnv({ OTEL_PROPAGATORS: 'none,b3' })).toEqual(['b3']);
    expect(warnings).toHaveLength(1);
  });
});
