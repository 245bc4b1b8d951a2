import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  DiagLogLevel,
  propagation,
  ROOT_CONTEXT,
} from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  baggageMetadata,
  baggageProperties,
  createBaggageManager,
  W3CBaggagePropagator,
  withStaticBaggage,
} from '../../src/baggage/index.js';

const SECRET = 'alice@example.com';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

describe('createBaggageManager', () => {
  const bm = createBaggageManager();

  it('set/remove return a new Context and leave the active one alone', () => {
    const ctx = bm.set('tenant', 'acme');
    expect(bm.get('tenant')).toBeUndefined();
    context.with(ctx, () => {
      expect(bm.get('tenant')).toBe('acme');
      const removed = bm.remove('tenant');
      expect(bm.get('tenant')).toBe('acme');
      context.with(removed, () => expect(bm.get('tenant')).toBeUndefined());
    });
  });

  it('stores entries in the official OTel Baggage of the context', () => {
    const ctx = bm.set('k', 'v', baggageMetadata([['ttl', '30']]));
    const entry = propagation.getBaggage(ctx)!.getEntry('k')!;
    expect(entry.value).toBe('v');
    expect(baggageProperties(entry)).toEqual([['ttl', '30']]);
  });

  it('withBaggage scopes entries and returns what fn returns, also across await', async () => {
    const result = await bm.withBaggage({ a: '1', b: '2' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return bm.withBaggage({ b: 'override' }, () => bm.getAll());
    });
    expect(result).toEqual({ a: '1', b: 'override' });
    expect(bm.getAll()).toEqual({});
  });

  it('normalises input: trims keys, stringifies numbers and booleans', () => {
    context.with(bm.set(' n ', 5 as never), () => expect(bm.getAll()).toEqual({ n: '5' }));
    bm.withBaggage({ flag: true as never }, () => expect(bm.get('flag')).toBe('true'));
  });

  it('ignores what cannot propagate, without throwing, and never logs values', () => {
    const messages: string[] = [];
    const log = (m: string, ...rest: unknown[]) => messages.push([m, ...rest].map(String).join(' '));
    diag.setLogger({ error: log, warn: log, info: log, debug: log, verbose: log }, DiagLogLevel.ALL);
    try {
      expect(bm.set('bad key', SECRET)).toBe(context.active());
      expect(bm.set('ok', { secret: SECRET } as never)).toBe(context.active());
      expect(bm.set(undefined as never, SECRET)).toBe(context.active());
      expect(bm.remove('missing')).toBe(context.active());
      expect(bm.withBaggage({ 'bad key': SECRET, good: 'x' }, () => bm.getAll())).toEqual({ good: 'x' });
      expect(bm.withBaggage(null as never, () => 7)).toBe(7);
    } finally {
      diag.disable();
    }
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).not.toContain(SECRET);
    expect(messages.join('\n')).toContain('bad key');
  });

  it('getAll keeps __proto__ as data', () => {
    context.with(bm.set('__proto__', 'x'), () => {
      const all = bm.getAll();
      expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
      expect(Object.keys(all)).toEqual(['__proto__']);
    });
  });
});

describe('static entries', () => {
  it('are validated and frozen at construction', () => {
    const bm = createBaggageManager({ staticEntries: { ' deployment.environment ': 'prod', replicas: 3 as never } });
    expect(bm.staticEntries).toEqual({ 'deployment.environment': 'prod', replicas: '3' });
    expect(Object.isFrozen(bm.staticEntries)).toBe(true);
    expect(bm.getAll()).toEqual({}); // static entries are outgoing only
  });

  it.each([
    ['an invalid key', { 'has space': 'x' }],
    ['a non-string value', { k: { nested: SECRET } }],
    ['an array', ['a']],
    ['more than 8192 bytes', { big: 'x'.repeat(9000) }],
  ])('throw InvalidConfigError for %s, without the value in the message', (_, entries) => {
    expect(() => createBaggageManager({ staticEntries: entries as never })).toThrow(
      expect.objectContaining({ code: 'TRACEWISE_INVALID_CONFIG', message: expect.not.stringContaining(SECRET) }),
    );
  });
});

describe('withStaticBaggage', () => {
  const inner = new W3CBaggagePropagator();
  const p = withStaticBaggage(inner, { env: 'prod', region: 'eu' });

  function header(ctx = ROOT_CONTEXT): string | undefined {
    const carrier: Record<string, string> = {};
    p.inject(ctx, carrier, defaultTextMapSetter);
    return carrier.baggage;
  }

  it('adds static entries when there is no request baggage', () => {
    expect(header()).toBe('env=prod,region=eu');
  });

  it('merges under request-scoped baggage: static first, request-scoped wins on conflict', () => {
    const ctx = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ user: { value: 'u1' }, region: { value: 'us' } }));
    expect(header(ctx)).toBe('env=prod,region=us,user=u1');
  });

  it('under the size limit, request-scoped members are trimmed before static ones', () => {
    const ctx = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ big: { value: 'x'.repeat(8180) } }));
    expect(header(ctx)).toBe('env=prod,region=eu');
  });

  it('leaves extraction and the context untouched', () => {
    const ctx = p.extract(ROOT_CONTEXT, { baggage: 'a=1' }, defaultTextMapGetter);
    expect(propagation.getBaggage(ctx)!.getAllEntries().map(([k]) => k)).toEqual(['a']);
    expect(p.fields()).toEqual(['baggage']);
  });

  it('returns the propagator itself when there are no entries', () => {
    expect(withStaticBaggage(inner, {})).toBe(inner);
    expect(withStaticBaggage(inner, undefined)).toBe(inner);
  });
});

describe('diag', () => {
  let messages: string[];
  beforeEach(() => {
    messages = [];
    const log = (m: string) => messages.push(m);
    diag.setLogger({ error: log, warn: log, info: log, debug: log, verbose: log }, DiagLogLevel.ALL);
  });
  afterEach(() => diag.disable());

  it('propagating baggage logs no values', () => {
    const ctx = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ email: { value: SECRET }, 'bad key': { value: SECRET } }));
    const carrier: Record<string, string> = {};
    const p = new W3CBaggagePropagator();
    p.inject(ctx, carrier, defaultTextMapSetter);
    p.extract(ROOT_CONTEXT, { baggage: `email=${SECRET},bad key=${SECRET},${'x=1,'.repeat(5000)}` }, defaultTextMapGetter);
    expect(messages.some((m) => m.includes('over 8192 bytes'))).toBe(true); // trimming is reported…
    expect(messages.join('\n')).not.toContain(SECRET); // …by key only
  });
});
