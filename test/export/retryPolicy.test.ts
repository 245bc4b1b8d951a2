/** The OTLP retry rules, backoff, Retry-After and RetryInfo decoding. */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { EXPORT_DEFAULTS } from '../../src/export/index.js';
import { parseRetryAfter } from '../../src/export/retryAfter.js';
import { retryDelayFromStatusDetails } from '../../src/export/retryInfo.js';
import { backoffDelay, isRetryableGrpcStatus, isRetryableHttpStatus, serverDelay } from '../../src/export/retryPolicy.js';
import { retryInfoStatus } from '../helpers/otlpServer.js';

const retry = { ...EXPORT_DEFAULTS.retry };

describe('retry rules (OTLP spec)', () => {
  it('retries exactly the retryable gRPC codes', () => {
    const retryable = Object.values(grpc.status)
      .filter((c): c is number => typeof c === 'number')
      .filter((c) => isRetryableGrpcStatus(c, false))
      .map((c) => grpc.status[c])
      .sort();
    expect(retryable).toEqual(['ABORTED', 'CANCELLED', 'DATA_LOSS', 'DEADLINE_EXCEEDED', 'OUT_OF_RANGE', 'UNAVAILABLE']);
  });

  it('retries RESOURCE_EXHAUSTED only with RetryInfo', () => {
    expect(isRetryableGrpcStatus(grpc.status.RESOURCE_EXHAUSTED, false)).toBe(false);
    expect(isRetryableGrpcStatus(grpc.status.RESOURCE_EXHAUSTED, true)).toBe(true);
    expect(isRetryableGrpcStatus(grpc.status.UNAUTHENTICATED, true)).toBe(false);
  });

  it('retries HTTP 429, 502, 503, 504 and nothing else', () => {
    const retryable = [];
    for (let s = 100; s < 600; s++) if (isRetryableHttpStatus(s)) retryable.push(s);
    expect(retryable).toEqual([429, 502, 503, 504]);
  });
});

describe('backoff', () => {
  it('grows exponentially to its cap, with jitter in the upper half', () => {
    const lo = (n: number, cap = 5000) => backoffDelay(n, cap, retry, () => 0);
    const hi = (n: number, cap = 5000) => backoffDelay(n, cap, retry, () => 1);
    expect([lo(1), hi(1)]).toEqual([125, 250]);
    expect([lo(2), hi(2)]).toEqual([250, 500]);
    expect([lo(3), hi(3)]).toEqual([500, 1000]);
    expect([lo(20), hi(20)]).toEqual([2500, 5000]);
    expect(hi(20, 500)).toBe(500);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(4, 5000, retry);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });

  it('bounds a server-requested delay', () => {
    expect(serverDelay(1234.2, retry)).toBe(1235);
    expect(serverDelay(-5, retry)).toBe(0);
    expect(serverDelay(1e12, retry)).toBe(retry.maxServerDelay);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['7', '9'], now)).toBe(7000);
  });
  it('ignores what it cannot read', () => {
    for (const v of [undefined, '', '-1', '1.5', 'soon', '12abc']) expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('RetryInfo in grpc-status-details-bin', () => {
  it('reads the delay of a google.rpc.Status encoded by protobufjs', () => {
    expect(retryDelayFromStatusDetails(retryInfoStatus(8, 'slow down', 400))).toBe(400);
    expect(retryDelayFromStatusDetails(retryInfoStatus(8, 'slow down', 2750))).toBe(2750);
    expect(retryDelayFromStatusDetails(retryInfoStatus(8, 'slow down', 0))).toBe(0);
  });
  it('returns undefined without RetryInfo, and never throws on garbage', () => {
    // Status{code: 8, message: "x"} without details.
    expect(retryDelayFromStatusDetails(Buffer.from([0x08, 0x08, 0x12, 0x01, 0x78]))).toBeUndefined();
    const valid = retryInfoStatus(8, 'm', 1500);
    for (let cut = 0; cut < valid.length; cut++) expect(() => retryDelayFromStatusDetails(valid.subarray(0, cut))).not.toThrow();
    expect(retryDelayFromStatusDetails(Buffer.from([0xff, 0xff, 0xff]))).toBeUndefined();
    // Any with another type URL.
    const other = Buffer.from(valid.toString('latin1').replace('RetryInfo', 'RetryInfX'), 'latin1');
    expect(retryDelayFromStatusDetails(other)).toBeUndefined();
  });
});
