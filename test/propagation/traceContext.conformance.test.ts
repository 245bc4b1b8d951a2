import {
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type TextMapGetter,
  type TraceState,
} from '@opentelemetry/api';
import { suppressTracing, TraceState as CoreTraceState, W3CTraceContextPropagator as CorePropagator } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { W3CTraceContextPropagator, W3CTraceState } from '../../src/propagation/index.js';

/**
 * W3C Trace Context Level 2 conformance, modelled on the W3C test suite
 * (w3c/trace-context test/test.py, STRICT_LEVEL 2): each case is a list of incoming header
 * fields, as a server receives them (repeated names allowed, any case).
 */
const TRACE_ID = '12345678901234567890123456789012';
const PARENT_ID = '1234567890123456';
const TP = `00-${TRACE_ID}-${PARENT_ID}-00`;

type Fields = [name: string, value: string][];

/** What node:http does with header fields: lower-cased names, repeats kept as arrays here. */
const fieldsGetter: TextMapGetter<Fields> = {
  keys: (f) => [...new Set(f.map(([n]) => n.toLowerCase()))],
  get(f, key) {
    const values = f.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v);
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  },
};

const propagator = new W3CTraceContextPropagator();
const core = new CorePropagator();

function extract(fields: Fields, p: { extract: CorePropagator['extract'] } = propagator) {
  return trace.getSpanContext(p.extract(ROOT_CONTEXT, fields, fieldsGetter));
}

/** The tracestate we would send on, as key → value (undefined: no header). */
function stateOf(fields: Fields, p: { extract: CorePropagator['extract'] } = propagator): Record<string, string> | undefined {
  const ts = extract(fields, p)?.traceState;
  const header = ts?.serialize();
  if (header === undefined || header === '') return undefined;
  return Object.fromEntries(header.split(',').map((m) => [m.slice(0, m.indexOf('=')), m.slice(m.indexOf('=') + 1)]));
}

function injected(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  propagator.inject(ctx, out, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
  return out;
}

describe('traceparent (W3C test suite cases)', () => {
  const restarts = (value: string | string[]) => {
    const fields: Fields = (Array.isArray(value) ? value : [value]).map((v) => ['traceparent', v]);
    expect(extract(fields), JSON.stringify(value)).toBeUndefined();
  };
  const accepts = (value: string, flags = 0) => {
    expect(extract([['traceparent', value]]), JSON.stringify(value)).toEqual({ traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: flags, isRemote: true });
  };

  it('accepts a valid header, any header-name casing', () => {
    for (const name of ['traceparent', 'TraceParent', 'TrAcEpArEnT', 'TRACEPARENT']) {
      expect(extract([[name, TP]])?.traceId).toBe(TRACE_ID);
    }
  });

  it('ignores wrong header names', () => {
    expect(extract([['trace-parent', TP]])).toBeUndefined();
    expect(extract([['trace.parent', TP]])).toBeUndefined();
  });

  it('restarts on duplicated traceparent headers (core uses the first)', () => {
    const dup: Fields = [
      ['traceparent', `00-12345678901234567890123456789011-${PARENT_ID}-01`],
      ['traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`],
    ];
    expect(extract(dup)).toBeUndefined();
    expect(extract(dup, core)?.traceId).toBe('12345678901234567890123456789011');
  });

  it('version 00: exact length, no trailing data', () => {
    restarts(`00-${TRACE_ID}-${PARENT_ID}-01.`);
    restarts(`00-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`);
  });

  it('future versions are parsed leniently: 55 characters, then the end or a dash', () => {
    accepts(`cc-${TRACE_ID}-${PARENT_ID}-01`, TraceFlags.SAMPLED);
    accepts(`cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`, TraceFlags.SAMPLED);
    restarts(`cc-${TRACE_ID}-${PARENT_ID}-01.what-the-future-will-be-like`);
    restarts(`cc-${TRACE_ID}-${PARENT_ID}-0`);
  });

  it('version ff is invalid; the version is exactly two lower-case hex digits', () => {
    restarts(`ff-${TRACE_ID}-${PARENT_ID}-01`);
    restarts(`.0-${TRACE_ID}-${PARENT_ID}-01`);
    restarts(`0.-${TRACE_ID}-${PARENT_ID}-01`);
    restarts(`000-${TRACE_ID}-${PARENT_ID}-01`);
    restarts(`0000-${TRACE_ID}-${PARENT_ID}-01`);
    restarts(`0-${TRACE_ID}-${PARENT_ID}-01`);
    restarts(`0A-${TRACE_ID}-${PARENT_ID}-01`);
  });

  it('trace-id: 32 lower-case hex digits, not all zero', () => {
    restarts(`00-00000000000000000000000000000000-${PARENT_ID}-01`);
    restarts(`00-.2345678901234567890123456789012-${PARENT_ID}-01`);
    restarts(`00-1234567890123456789012345678901.-${PARENT_ID}-01`);
    restarts(`00-123456789012345678901234567890123-${PARENT_ID}-01`);
    restarts(`00-1234567890123456789012345678901-${PARENT_ID}-01`);
    restarts(`00-4BF92F3577B34DA6A3CE929D0E0E4736-${PARENT_ID}-01`);
  });

  it('parent-id: 16 lower-case hex digits, not all zero', () => {
    restarts(`00-${TRACE_ID}-0000000000000000-01`);
    restarts(`00-${TRACE_ID}-.234567890123456-01`);
    restarts(`00-${TRACE_ID}-123456789012345.-01`);
    restarts(`00-${TRACE_ID}-12345678901234567-01`);
    restarts(`00-${TRACE_ID}-123456789012345-01`);
    restarts(`00-${TRACE_ID}-00F067AA0BA902B7-01`);
  });

  it('trace-flags: exactly two lower-case hex digits', () => {
    restarts(`00-${TRACE_ID}-${PARENT_ID}-.0`);
    restarts(`00-${TRACE_ID}-${PARENT_ID}-0.`);
    restarts(`00-${TRACE_ID}-${PARENT_ID}-001`);
    restarts(`00-${TRACE_ID}-${PARENT_ID}-1`);
    restarts(`00-${TRACE_ID}-${PARENT_ID}-0A`);
  });

  it('optional whitespace (spaces and tabs, any number) around the value; nothing else', () => {
    for (const v of [` ${TP}`, `\t${TP}`, `${TP} `, `${TP}\t`, `\t ${TP} \t`]) accepts(v);
    // core allows one whitespace character only, and of any kind
    expect(extract([['traceparent', `\t ${TP} \t`]], core)).toBeUndefined();
    restarts(`\n${TP}`);
    restarts(`${TP}\r\n`);
    expect(extract([['traceparent', `${TP}\n`]], core)?.traceId).toBe(TRACE_ID);
  });

  it('keeps the sampled and random flags, drops reserved bits; future versions: sampled only', () => {
    accepts(`00-${TRACE_ID}-${PARENT_ID}-03`, 0x03);
    accepts(`00-${TRACE_ID}-${PARENT_ID}-ff`, 0x03);
    accepts(`00-${TRACE_ID}-${PARENT_ID}-02`, 0x02);
    accepts(`01-${TRACE_ID}-${PARENT_ID}-03`, 0x01);
  });

  it('ignores values that are not strings, and arrays of several values', () => {
    const get = (value: unknown): TextMapGetter => ({ keys: () => ['traceparent'], get: (_c, k) => (k === 'traceparent' ? (value as string) : undefined) });
    for (const value of [42, null, {}, [TP, TP], [42], Buffer.from(TP), ['']]) {
      expect(trace.getSpanContext(propagator.extract(ROOT_CONTEXT, {}, get(value)))).toBeUndefined();
    }
    expect(trace.getSpanContext(propagator.extract(ROOT_CONTEXT, {}, get([TP])))?.traceId).toBe(TRACE_ID);
  });
});

describe('tracestate (W3C test suite cases)', () => {
  const withTp = (...values: string[]): Fields => [['traceparent', TP], ...values.map((v): [string, string] => ['tracestate', v])];

  it('is not parsed without a valid traceparent', () => {
    expect(extract([['tracestate', 'foo=1']])).toBeUndefined();
    expect(extract([['traceparent', `ff-${TRACE_ID}-${PARENT_ID}-01`], ['tracestate', 'foo=1']])).toBeUndefined();
  });

  it('is inherited with the traceparent, any header-name casing', () => {
    expect(stateOf(withTp('foo=1,bar=2'))).toEqual({ foo: '1', bar: '2' });
    for (const name of ['TraceState', 'TrAcEsTaTe', 'TRACESTATE']) {
      expect(stateOf([['traceparent', TP], [name, 'foo=1']])).toEqual({ foo: '1' });
    }
    expect(stateOf([['traceparent', TP], ['trace-state', 'foo=1']])).toBeUndefined();
    expect(stateOf([['traceparent', TP], ['trace.state', 'foo=1']])).toBeUndefined();
  });

  it('an invalid tracestate does not affect the traceparent', () => {
    const sc = extract(withTp('foo=1,foo=2'));
    expect(sc?.traceId).toBe(TRACE_ID);
    expect(sc?.traceState).toBeUndefined();
  });

  it('accepts empty headers and empty members', () => {
    expect(stateOf(withTp(''))).toBeUndefined();
    expect(stateOf(withTp('foo=1', ''))).toEqual({ foo: '1' });
    expect(stateOf(withTp('', 'foo=1'))).toEqual({ foo: '1' });
    expect(stateOf(withTp(' , foo=1,,\t,bar=2, '))).toEqual({ foo: '1', bar: '2' });
  });

  it('combines multiple headers in order', () => {
    const header = extract(withTp('foo=1,bar=2', 'rojo=1,congo=2', 'baz=3'))?.traceState?.serialize();
    expect(header).toBe('foo=1,bar=2,rojo=1,congo=2,baz=3');
  });

  it('discards the whole list on duplicated keys (core keeps one)', () => {
    for (const fields of [withTp('foo=1,foo=1'), withTp('foo=1,foo=2'), withTp('foo=1', 'foo=1'), withTp('foo=1', 'foo=2')]) {
      expect(stateOf(fields)).toBeUndefined();
    }
    expect(stateOf(withTp('foo=1,foo=2'), core)).toBeDefined();
  });

  it('all allowed characters, with and without a tenant', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
    let value = '';
    for (let c = 0x20; c <= 0x7e; c++) if (c !== 0x2c && c !== 0x3d) value += String.fromCharCode(c);
    expect(stateOf(withTp(`${key}=${value}`))).toEqual({ [key]: value });
    expect(stateOf(withTp(`${key}@a-z0-9_-*/=${value}`))).toEqual({ [`${key}@a-z0-9_-*/`]: value });
  });

  it('optional whitespace around members; leading spaces are part of a value', () => {
    expect(stateOf(withTp('foo=1 \t , \t bar=2, \t baz=3'))).toEqual({ foo: '1', bar: '2', baz: '3' });
    expect(stateOf(withTp('foo=1\t \t,\t \tbar=2,\t \tbaz=3'))).toEqual({ foo: '1', bar: '2', baz: '3' });
    for (const v of [' foo=1', '\tfoo=1', 'foo=1 ', 'foo=1\t', '\t foo=1 \t']) expect(stateOf(withTp(v))).toEqual({ foo: '1' });
    expect(extract(withTp('foo=  1'))?.traceState?.get('foo')).toBe('  1');
  });

  it('discards the list on an illegal key (core keeps the other members)', () => {
    for (const v of ['foo =1', 'FOO=1', 'foo.bar=1', 'foo=1,BAR=2', 'foo=1,b\u00e4r=2']) {
      expect(stateOf(withTp(v)), v).toBeUndefined();
    }
    expect(stateOf(withTp('foo=1,BAR=2'), core)).toEqual({ foo: '1' });
  });

  it('discards the list on an illegal vendor format', () => {
    for (const v of ['foo@=1,bar=2', '@foo=1,bar=2', 'foo@@bar=1,bar=2', 'foo@bar@baz=1,bar=2', 'foo@1bar=1,bar=2']) {
      expect(stateOf(withTp(v)), v).toBeUndefined();
    }
    // a tenant may start with a digit, a simple key may not
    expect(stateOf(withTp('1foo@bar=1'))).toEqual({ '1foo@bar': '1' });
    expect(stateOf(withTp('1foo=1'))).toBeUndefined();
  });

  it('32 members are kept, 33 discard the list (core keeps the first 32)', () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => `bar${String(i + 1).padStart(2, '0')}=${String(i + 1).padStart(2, '0')}`);
    const split = (m: string[]) => [m.slice(0, 10).join(','), m.slice(10, 20).join(','), m.slice(20, 30).join(','), m.slice(30).join(',')];
    const kept = stateOf(withTp(...split(members(32))));
    expect(Object.keys(kept ?? {})).toHaveLength(32);
    expect(kept?.bar01).toBe('01');
    expect(stateOf(withTp(...split(members(33))))).toBeUndefined();
    expect(Object.keys(stateOf(withTp(...split(members(33))), core) ?? {})).toHaveLength(32);
  });

  it('key length limits: 256; tenant 241, system 14', () => {
    expect(stateOf(withTp('foo=1', `${'z'.repeat(256)}=1`))?.foo).toBe('1');
    expect(stateOf(withTp('foo=1', `${'z'.repeat(257)}=1`))).toBeUndefined();
    expect(stateOf(withTp('foo=1', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`))?.foo).toBe('1');
    expect(stateOf(withTp('foo=1', `${'t'.repeat(242)}@v=1`))).toBeUndefined();
    expect(stateOf(withTp('foo=1', `t@${'v'.repeat(15)}=1`))).toBeUndefined();
  });

  it('value: 1..256 printable characters, no `,` or `=`, no trailing space', () => {
    expect(stateOf(withTp('foo=bar=baz'))).toBeUndefined();
    expect(stateOf(withTp('foo=,bar=3'))).toBeUndefined();
    expect(stateOf(withTp(`foo=${'v'.repeat(256)}`))).toBeDefined();
    expect(stateOf(withTp(`foo=${'v'.repeat(257)}`))).toBeUndefined();
    expect(stateOf(withTp('foo=a\u0001b'))).toBeUndefined();
    expect(stateOf(withTp('foo=a\u00e9'))).toBeUndefined();
    expect(stateOf(withTp('foo=a\nb'))).toBeUndefined();
  });

  it('whitespace other than space and tab is not optional whitespace (core trims it)', () => {
    expect(stateOf(withTp('foo=1\n'))).toBeUndefined();
    expect(stateOf(withTp('foo=1\n'), core)).toEqual({ foo: '1' });
  });

  it('a header over the scan limit is discarded without being scanned', () => {
    expect(stateOf(withTp(`foo=1,${' '.repeat(40_000)}`))).toBeUndefined();
    const many: Fields = [['traceparent', TP], ...Array.from({ length: 20_000 }, (): [string, string] => ['tracestate', 'a=1'])];
    expect(stateOf(many)).toBeUndefined();
  });

  it('a list over 512 characters is truncated by whole entries: long ones first, then from the right', () => {
    const long = `long=${'l'.repeat(200)}`; // 205 characters
    const mid = (i: number) => `m${i}=${'x'.repeat(60)}`; // 63-64 characters
    const header = [mid(1), long, mid(2), mid(3), mid(4), mid(5), mid(6)].join(',');
    expect(header.length).toBeGreaterThan(512);
    const out = extract(withTp(header))?.traceState?.serialize() ?? '';
    expect(out).toBe([mid(1), mid(2), mid(3), mid(4), mid(5), mid(6)].join(','));
    const header2 = Array.from({ length: 10 }, (_, i) => mid(i)).join(','); // 639 characters
    const out2 = extract(withTp(header2))?.traceState?.serialize() ?? '';
    expect(out2).toBe(Array.from({ length: 8 }, (_, i) => mid(i)).join(','));
    expect(out2.length).toBeLessThanOrEqual(512);
  });
});

describe('inject', () => {
  const ctx = (traceId: string, spanId: string, traceFlags: number, traceState?: TraceState) =>
    trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags, traceState });
  const TID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const SID = '00f067aa0ba902b7';

  it('writes version 00 with the sampled and random flags only', () => {
    expect(injected(ctx(TID, SID, 0x01))).toEqual({ traceparent: `00-${TID}-${SID}-01` });
    expect(injected(ctx(TID, SID, 0x03))).toEqual({ traceparent: `00-${TID}-${SID}-03` });
    expect(injected(ctx(TID, SID, 0xff)).traceparent).toBe(`00-${TID}-${SID}-03`);
    // core writes "0ff": an invalid header
    const out: Record<string, string> = {};
    core.inject(ctx(TID, SID, 0xff), out, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
    expect(out.traceparent).toBe(`00-${TID}-${SID}-0ff`);
  });

  it('never writes invalid IDs, even those the API accepts', () => {
    expect(injected(ctx(TID.toUpperCase(), SID, 1))).toEqual({});
    expect(injected(ctx(TID, SID.toUpperCase(), 1))).toEqual({});
    expect(injected(ctx('0'.repeat(32), SID, 1))).toEqual({});
    expect(injected(ctx(TID, '0'.repeat(16), 1))).toEqual({});
    expect(injected(ROOT_CONTEXT)).toEqual({});
  });

  it('does not inject while tracing is suppressed', () => {
    expect(injected(suppressTracing(ctx(TID, SID, 1)))).toEqual({});
  });

  it('round-trips traceparent and tracestate', () => {
    const fields: Fields = [['traceparent', `00-${TID}-${SID}-03`], ['tracestate', 'congo=t61rcWkgMzE, rojo=00f067aa0ba902b7']];
    const extracted = propagator.extract(ROOT_CONTEXT, fields, fieldsGetter);
    expect(injected(extracted)).toEqual({ traceparent: `00-${TID}-${SID}-03`, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' });
  });

  it('sends a foreign TraceState only if it serializes to a valid list', () => {
    expect(injected(ctx(TID, SID, 1, new CoreTraceState('ot=th:8,congo=1'))).tracestate).toBe('ot=th:8,congo=1');
    const bogus = { get: () => undefined, set() { return bogus; }, unset() { return bogus; }, serialize: () => 'Bad Key=1,x=\n' };
    expect(injected(ctx(TID, SID, 1, bogus))).toEqual({ traceparent: `00-${TID}-${SID}-01` });
    const throwing = { ...bogus, serialize: () => { throw new Error('boom'); } };
    expect(injected(ctx(TID, SID, 1, throwing))).toEqual({ traceparent: `00-${TID}-${SID}-01` });
  });

  it('a throwing setter or getter does not escape', () => {
    const c = ctx(TID, SID, 1);
    expect(() => propagator.inject(c, {}, { set: () => { throw new Error('read-only'); } })).not.toThrow();
    const getter: TextMapGetter = { keys: () => [], get: () => { throw new Error('boom'); } };
    expect(propagator.extract(ROOT_CONTEXT, {}, getter)).toBe(ROOT_CONTEXT);
  });
});

describe('W3CTraceState mutations (the spec: modified keys move to the left)', () => {
  const state = (header: string) => W3CTraceState.fromHeader(header)!;

  it('set moves the entry to the front, unset removes it, invalid input changes nothing', () => {
    const s = state('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    expect(s.set('congo', 'ucfJifl5GOE').serialize()).toBe('congo=ucfJifl5GOE,rojo=00f067aa0ba902b7');
    expect(s.set('new', 'v').serialize()).toBe('new=v,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    expect(s.unset('rojo').serialize()).toBe('congo=t61rcWkgMzE');
    expect(s.unset('absent')).toBe(s);
    expect(s.set('Bad', 'v')).toBe(s);
    expect(s.set('ok', 'a,b')).toBe(s);
    expect(s.set('ok', 'trailing ')).toBe(s);
    expect(s.get('congo')).toBe('t61rcWkgMzE');
  });

  it('set on a full list always succeeds, dropping others from the right (core refuses)', () => {
    const full = Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(',');
    const s = state(full).set('ot', 'th:8');
    expect(s.get('ot')).toBe('th:8');
    expect(s.serialize().split(',')).toHaveLength(32);
    expect(s.get('k31')).toBeUndefined();

    const big = Array.from({ length: 8 }, (_, i) => `k${i}=${'x'.repeat(58)}`).join(','); // 8 * 61 + 7 = 495
    const s2 = state(big).set('ot', `th:${'f'.repeat(40)}`);
    expect(s2.get('ot')).toBe(`th:${'f'.repeat(40)}`);
    expect(s2.serialize().length).toBeLessThanOrEqual(512);
    const coreFull = new CoreTraceState(big);
    expect(coreFull.set('ot', `th:${'f'.repeat(40)}`)).toBe(coreFull);
  });
});

describe('truncation keeps what can fit', () => {
  it('an entry over the limit by itself goes first, so a shorter long one survives', () => {
    // Found by `npm run fuzz`: right-most-long-first dropped the 258-character entry, then the
    // 513-character one, leaving nothing although the first fits on its own.
    const huge = `${'k'.repeat(256)}= ${'v'.repeat(255)}`; // 513 characters
    const long = `a=${'v'.repeat(256)}`; // 258 characters
    const kept = W3CTraceState.fromHeader(`${huge},${long}`)?.serialize();
    expect(kept).toBe(long);
  });
});
