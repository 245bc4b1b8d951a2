import type { IncomingMessage } from 'node:http';

/** Health-check and metrics routes: polled every few seconds, worthless as traces. */
export const DEFAULT_IGNORE_ROUTES: readonly string[] = ['/health', '/healthz', '/ready', '/metrics'];

/** A route to leave untraced: a path matched exactly (query ignored), or a RegExp tested on the path. */
export type IgnoreRoute = string | RegExp;

/**
 * Builds the `ignoreIncomingRequestHook` of the HTTP instrumentation. It runs on every incoming
 * request, so it must be cheap and never throw: a Set lookup for the strings, then the RegExps.
 * Strings also match with one trailing slash (`/health/`), as most routers treat them alike.
 */
export function ignoreRoutesHook(routes: readonly IgnoreRoute[]): ((req: IncomingMessage) => boolean) | undefined {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const r of routes) {
    if (typeof r === 'string') {
      exact.add(r);
      exact.add(r.endsWith('/') ? r.slice(0, -1) : `${r}/`);
    } else {
      patterns.push(r);
    }
  }
  if (exact.size === 0 && patterns.length === 0) return undefined;
  return (req) => {
    const url = req.url;
    if (typeof url !== 'string') return false;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (exact.has(path)) return true;
    for (const p of patterns) {
      // A global/sticky RegExp keeps lastIndex between calls; reset it so every request matches alike.
      p.lastIndex = 0;
      if (p.test(path)) return true;
    }
    return false;
  };
}
