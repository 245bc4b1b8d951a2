import { readFileSync } from 'node:fs';
import {
  ROOT_CONTEXT,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  type BaggageEntry,
} from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  baggageMetadata,
  baggageProperties,
  parseBaggageHeader,
  serializeBaggage,
  W3CBaggagePropagator,
  type BaggageProperty,
} from '../../src/baggage/index.js';

// CI clones the repo with shared/ beside it: <repo>/../shared/vectors.
const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/w3c-baggage.json', import.meta.url), 'utf8')) as {
  parse: { name: string; header: string; entries: [string, string, [string, string | null][]][] }[];
  serialize: {
    name: string;
    entries?: { key: string; value: string; properties?: [string, string | null][] }[];
    expect_exact?: string;
  }[];
};

const propagator = new W3CBaggagePropagator();

function extract(header: string) {
  return propagation.getBaggage(propagator.extract(ROOT_CONTEXT, { baggage: header }, defaultTextMapGetter));
}

function inject(entries: Record<string, BaggageEntry>): string | undefined {
  const carrier: Record<string, string> = {};
  const ctx = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage(entries));
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  return carrier.baggage;
}

describe('W3C baggage vectors: parse', () => {
  it('has the vectors', () => expect(vectors.parse.length).toBeGreaterThan(15));

  for (const v of vectors.parse) {
    it(`parseBaggageHeader: ${v.name}`, () => {
      const got = parseBaggageHeader(v.header).map((m) => [m.key, m.value, m.properties]);
      expect(got).toEqual(v.entries);
    });

    it(`propagator extract: ${v.name}`, () => {
      const baggage = extract(v.header);
      const got = baggage!.getAllEntries().map(([k, e]) => [k, e.value, baggageProperties(e)]);
      expect(got).toEqual(v.entries);
    });
  }
});

describe('W3C baggage vectors: serialize', () => {
  for (const v of vectors.serialize.filter((s) => s.expect_exact !== undefined)) {
    it(`${v.name}`, () => {
      const members = v.entries!.map((e) => ({ key: e.key, value: e.value, properties: (e.properties ?? []) as BaggageProperty[] }));
      expect(serializeBaggage(members)).toBe(v.expect_exact);
      const entries: Record<string, BaggageEntry> = {};
      for (const e of v.entries!) {
        entries[e.key] = e.properties ? { value: e.value, metadata: baggageMetadata(e.properties) } : { value: e.value };
      }
      expect(inject(entries)).toBe(v.expect_exact);
    });
  }

  const byName = (n: string) => vectors.serialize.find((s) => s.name === n)!;

  it(byName('LimitsTest.test_serialize_at_least_64').name, () => {
    const entries: Record<string, BaggageEntry> = {};
    for (let i = 0; i < 64; i++) entries[`key${i}`] = { value: 'value' };
    const header = inject(entries)!;
    expect(header.split(',')).toHaveLength(64);
    expect(extract(header)!.getAllEntries()).toHaveLength(64);
  });

  it(byName('LimitsTest.test_serialize_long_entry').name, () => {
    const header = inject({ a: { value: '0123456789'.repeat(819) } })!;
    expect(header).toHaveLength(8192);
    expect(extract(header)!.getEntry('a')!.value).toHaveLength(8190);
  });

  it(byName('LimitsTest.test_serialize_many_entries').name, () => {
    const entries: Record<string, BaggageEntry> = {};
    for (let i = 0; i < 512; i++) entries[String(i).padStart(3, '0')] = { value: '0123456789a' };
    const header = inject(entries)!;
    expect(header.split(',')).toHaveLength(512);
    expect(header).toHaveLength(8191);
    expect(extract(header)!.getAllEntries()).toHaveLength(512);
  });

  it('covers every serialize vector', () => {
    const covered = vectors.serialize.filter((s) => s.expect_exact !== undefined).length + 3;
    expect(covered).toBe(vectors.serialize.length);
  });
});

describe('round trip', () => {
  it('extract → inject reproduces the canonical header, properties included', () => {
    const header = 'k1=v%201;p1;p2=a%3Bb,k2=%E2%82%AC';
    const carrier: Record<string, string> = {};
    propagator.inject(propagator.extract(ROOT_CONTEXT, { baggage: header }, defaultTextMapGetter), carrier, defaultTextMapSetter);
    expect(carrier.baggage).toBe(header);
    expect(extract(header)!.getEntry('k2')!.value).toBe('€');
  });
});
