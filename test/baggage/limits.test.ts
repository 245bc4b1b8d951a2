import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, propagation, type BaggageEntry } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BAGGAGE_MAX_BYTES,
  BAGGAGE_MAX_SCAN,
  parseBaggageHeader,
  serializeBaggage,
  W3CBaggagePropagator,
} from '../../src/baggage/index.js';

const propagator = new W3CBaggagePropagator();
const member = (key: string, value: string) => ({ key, value, properties: [] });

function inject(entries: Record<string, BaggageEntry>, ctx = ROOT_CONTEXT): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(propagation.setBaggage(ctx, propagation.createBaggage(entries)), carrier, defaultTextMapSetter);
  return carrier.baggage;
}

function extract(header: unknown) {
  return propagation.getBaggage(propagator.extract(ROOT_CONTEXT, { baggage: header } as never, defaultTextMapGetter));
}

describe('trimming rule: whole members, a prefix, never partial', () => {
  it('drops the member that crosses 8192 bytes and every member after it', () => {
    // 4 members of 2047 bytes + 3 commas = 8191; the 5th (tiny) would make 8195.
    const big = 'x'.repeat(2045);
    const members = [member('a', big), member('b', big), member('c', big), member('d', big), member('e', '1'), member('f', '2')];
    const header = serializeBaggage(members);
    expect(header.length).toBe(8191);
    expect(header.split(',').map((m) => m.split('=')[0])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a single member over the limit propagates nothing (not a truncated value)', () => {
    expect(inject({ a: { value: 'x'.repeat(BAGGAGE_MAX_BYTES - 1) } })).toBeUndefined();
  });

  it('counts encoded bytes: multi-byte characters take 9 bytes each', () => {
    expect(serializeBaggage([member('k', '€'.repeat(1000))])).toBe(''); // 9002 bytes
    expect(serializeBaggage([member('k', '€'.repeat(900))])).toHaveLength(2 + 8100);
  });

  it('extract keeps the prefix that fits in 8192 bytes', () => {
    const members = Array.from({ length: 1000 }, (_, i) => `key${i}=value${i}`);
    const accepted = parseBaggageHeader(members.join(','));
    let size = -1;
    let n = 0;
    while (n < members.length && size + 1 + members[n].length <= BAGGAGE_MAX_BYTES) size += 1 + members[n++].length;
    expect(accepted).toHaveLength(n);
    expect(accepted.at(-1)!.key).toBe(`key${n - 1}`);
  });

  it('several header values are one list, limits across all', () => {
    const b = extract(['a=1', 'b=2;p', '', 'c=3'])!;
    expect(b.getAllEntries().map(([k]) => k)).toEqual(['a', 'b', 'c']);
  });
});

describe('invalid input is dropped, never propagated, never thrown', () => {
  it('skips malformed members and keeps the others', () => {
    const got = parseBaggageHeader('good=1,bad key=2,k=v v,k2="q",noequals,=v,k3=ok;bad prop=x;p=\\x, ,k4=');
    expect(got.map((m) => [m.key, m.value, m.properties])).toEqual([
      ['good', '1', []],
      ['k3', 'ok', []],
      ['k4', '', []],
    ]);
  });

  it('does not take other whitespace for padding', () => {
    expect(parseBaggageHeader('k=v\n,k2=\u00a0v')).toEqual([]);
  });

  it('decodes leniently: a stray % is literal, invalid UTF-8 becomes U+FFFD', () => {
    expect(parseBaggageHeader('a=100%,b=%ZZ,c=%FF%41,d=%e2%82%ac').map((m) => m.value)).toEqual(['100%', '%ZZ', '\uFFFDA', '€']);
  });

  it('encodes a lone surrogate as U+FFFD instead of throwing', () => {
    expect(serializeBaggage([member('k', 'a\uD800b')])).toBe('k=a%EF%BF%BDb');
  });

  it('inject skips invalid keys and non-string values', () => {
    expect(inject({ 'bad key': { value: 'x' }, ok: { value: 'y' }, n: { value: 5 as never } })).toBe('ok=y');
  });

  it('__proto__ is an ordinary key', () => {
    const b = extract('__proto__=x,constructor=y')!;
    expect(b.getEntry('__proto__')?.value).toBe('x');
    expect(b.getEntry('constructor')?.value).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('duplicate keys: the last one wins', () => {
    expect(extract('k=1,j=2,k=3')!.getEntry('k')?.value).toBe('3');
  });

  it('non-string carriers values extract nothing', () => {
    expect(extract(42)).toBeUndefined();
    expect(extract([1, {}, null])).toBeUndefined();
    expect(extract('')).toBeUndefined();
    expect(extract(',,, ,')).toBeUndefined();
  });

  it('does not inject while tracing is suppressed (exporter requests)', () => {
    expect(inject({ k: { value: 'v' } }, suppressTracing(ROOT_CONTEXT))).toBeUndefined();
  });
});

describe('hostile input: bounded work', () => {
  it('a 4 MB header is read only up to the scan limit', () => {
    const header = `a=1,${'b=2,'.repeat(1_000_000)}`;
    const got = parseBaggageHeader(header);
    expect(got.length).toBeLessThanOrEqual(Math.ceil(BAGGAGE_MAX_BYTES / 4));
    expect(got[0].key).toBe('a');
  });

  it('a member cut by the scan window is dropped, not truncated', () => {
    const padding = `${' '.repeat(BAGGAGE_MAX_SCAN - 10)}`;
    expect(parseBaggageHeader(`${padding}k=${'v'.repeat(100)}`)).toEqual([]);
    expect(parseBaggageHeader(`${padding}k=v`)).toEqual([{ key: 'k', value: 'v', properties: [] }]);
  });

  it('thousands of tiny members, one huge member, many properties, many header values', () => {
    expect(parseBaggageHeader('k=,'.repeat(20_000)).length).toBeLessThanOrEqual(2731);
    expect(parseBaggageHeader(`k=${'v'.repeat(5_000_000)}`)).toEqual([]);
    expect(parseBaggageHeader(`k=v${';p'.repeat(100_000)}`)).toEqual([]);
    const many = parseBaggageHeader(Array.from({ length: 100_000 }, (_, i) => `k${i}=v`));
    expect(many.at(-1)!.key).toBe(`k${many.length - 1}`);
    expect(serializeBaggage(many).length).toBeLessThanOrEqual(BAGGAGE_MAX_BYTES);
  });

  it('binary garbage never throws and yields only valid members', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const members = parseBaggageHeader(Buffer.from(bytes).toString('latin1'));
        for (const m of members) expect(m.key).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
      }),
    );
  });

  it('arbitrary strings never throw on parse, and serialization stays within limits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        const members = parseBaggageHeader(s);
        expect(serializeBaggage(members).length).toBeLessThanOrEqual(BAGGAGE_MAX_BYTES);
      }),
    );
  });
});

describe('percent-encoding round trip', () => {
  it('any well-formed value and property value survives serialize → parse', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 100 }),
        fc.string({ unit: 'grapheme', maxLength: 50 }),
        (value, prop) => {
          const [got] = parseBaggageHeader(serializeBaggage([{ key: 'k', value, properties: [['p', prop], ['flag', null]] }]));
          expect(got).toEqual({ key: 'k', value, properties: [['p', prop], ['flag', null]] });
        },
      ),
    );
  });
});
