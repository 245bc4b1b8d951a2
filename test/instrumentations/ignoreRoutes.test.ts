import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { DEFAULT_IGNORE_ROUTES, ignoreRoutesHook } from '../../src/instrumentations/ignoreRoutes.js';

const req = (url: unknown) => ({ url }) as IncomingMessage;

describe('ignoreRoutesHook', () => {
  it('matches the default routes exactly, with a query or one trailing slash, and nothing of the same length', () => {
    const ignored = ignoreRoutesHook(DEFAULT_IGNORE_ROUTES)!;
    for (const url of ['/health', '/healthz', '/ready', '/metrics', '/health/', '/metrics?x=1', '/ready/?deep=1']) expect(ignored(req(url)), url).toBe(true);
    // Same lengths as ignored routes (/healthz, /metrics/, /ready), other paths.
    for (const url of ['/healthy', '/Metrics', '/metricz/', '/readY', '/orders/7', '/health//', '/', '', '?/health']) expect(ignored(req(url)), url).toBe(false);
    expect(ignored(req(undefined))).toBe(false);
  });

  it('matches a route given with a trailing slash without it, and RegExps on the path alone, every time', () => {
    const ignored = ignoreRoutesHook(['/internal/', '/Status', /^\/debug\//g])!;
    expect(ignored(req('/internal'))).toBe(true);
    expect(ignored(req('/Status'))).toBe(true);
    expect(ignored(req('/status'))).toBe(false); // paths are case-sensitive
    expect(ignored(req('/internal/?a=1'))).toBe(true);
    expect(ignored(req('/internals'))).toBe(false);
    // A global RegExp keeps lastIndex between tests: reset, it matches on every request.
    for (let i = 0; i < 3; i++) expect(ignored(req('/debug/vars?x=/debug/'))).toBe(true);
    expect(ignored(req('/x?/debug/'))).toBe(false);
  });

  it('matches the root route and duplicated routes like any other, and no URL that is not a string', () => {
    const ignored = ignoreRoutesHook(['/', '/ping', '/ping', '/ping/'])!;
    for (const url of ['/', '/?probe=1', '/ping', '/ping/']) expect(ignored(req(url)), url).toBe(true);
    for (const url of ['//', '/pong', 42, null]) expect(ignored(req(url)), String(url)).toBe(false);
  });

  it('is undefined with no routes', () => {
    expect(ignoreRoutesHook([])).toBeUndefined();
  });
});
