import { diag, DiagLogLevel, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { baggageSpanProcessor, type BaggageAllow } from '../../src/baggage/index.js';

const SECRET = 'alice@example.com';
const parent: Context = propagation.setBaggage(
  ROOT_CONTEXT,
  propagation.createBaggage({
    'app.tenant': { value: 'acme' },
    'app.region': { value: 'eu' },
    'user.email': { value: SECRET },
    plan: { value: 'pro' },
  }),
);

/** Starts and ends one span under `ctx` on a real provider; returns its attributes. */
function attributesWith(allow: BaggageAllow | undefined, ctx: Context = parent) {
  const exporter = new InMemorySpanExporter();
  const processor = baggageSpanProcessor(allow);
  const provider = new BasicTracerProvider({
    spanProcessors: [...(processor ? [processor] : []), new SimpleSpanProcessor(exporter)],
  });
  provider.getTracer('test').startSpan('op', { attributes: { own: 1 } }, ctx).end();
  const [span] = exporter.getFinishedSpans();
  return span.attributes;
}

describe('baggage → span attributes allowlist', () => {
  it('default: nothing is copied, and no processor is created', () => {
    expect(baggageSpanProcessor(undefined)).toBeUndefined();
    expect(baggageSpanProcessor([])).toBeUndefined();
    expect(attributesWith(undefined)).toEqual({ own: 1 });
  });

  it('a list of keys', () => {
    expect(attributesWith(['plan', 'app.tenant', 'missing'])).toEqual({ own: 1, 'baggage.plan': 'pro', 'baggage.app.tenant': 'acme' });
  });

  it('a prefix', () => {
    expect(attributesWith({ prefix: 'app.' })).toEqual({ own: 1, 'baggage.app.tenant': 'acme', 'baggage.app.region': 'eu' });
  });

  it('a predicate', () => {
    expect(attributesWith((key) => key.length === 4)).toEqual({ own: 1, 'baggage.plan': 'pro' });
  });

  it('no baggage in the parent context: nothing to do', () => {
    expect(attributesWith(['plan'], ROOT_CONTEXT)).toEqual({ own: 1 });
  });

  it('a throwing predicate denies, does not break span start, and logs no value', () => {
    const messages: string[] = [];
    const log = (m: string) => messages.push(m);
    diag.setLogger({ error: log, warn: log, info: log, debug: log, verbose: log }, DiagLogLevel.ALL);
    try {
      expect(
        attributesWith((key) => {
          if (key === 'user.email') throw new Error('nope');
          return key === 'plan';
        }),
      ).toEqual({ own: 1, 'baggage.plan': 'pro' });
    } finally {
      diag.disable();
    }
    expect(messages.join('\n')).toContain('user.email');
    expect(messages.join('\n')).not.toContain(SECRET);
  });

  it.each([
    ['an empty prefix', { prefix: '' }],
    ['a non-string list entry', ['plan', 3]],
    ['an empty list entry', ['  ']],
    ['a number', 42],
    ['an object without prefix', { keys: ['a'] }],
  ])('rejects %s at construction with InvalidConfigError', (_, allow) => {
    expect(() => baggageSpanProcessor(allow as never)).toThrow(
      expect.objectContaining({ code: 'TRACEWISE_INVALID_CONFIG', option: 'baggage.allow' }),
    );
  });
});
