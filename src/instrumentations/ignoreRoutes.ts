import type { IncomingMessage } from 'node:http';
import { indexByLength } from './indexByLength.js';

/** Health-check and metrics routes: polled every few seconds, worthless as traces. */
export const DEFAULT_IGNORE_ROUTES: readonly string[] = ['/health', '/healthz', '/ready', '/metrics'];

/** A route to leave untraced: a path matched exactly (query ignored), or a RegExp tested on the path. */
export type IgnoreRoute = string | RegExp;

/**
 * Builds the `ignoreIncomingRequestHook` of the HTTP instrumentation. It runs on every incoming
 * request, so it must be cheap and never throw: the strings of the path's length, then the RegExps.
 * Strings also match with one trailing slash (`/health/`), as most routers treat them alike.
 */
export function ignoreRoutesHook(routes: readonly IgnoreRoute[]): ((req: IncomingMessage) => boolean) | undefined {
  const strings: string[] = [];
  const patterns: RegExp[] = [];
  for (const r of routes) {
    if (typeof r === 'string') strings.push(r, r.endsWith('/') ? r.slice(0, -1) : `${r}/`);
    else patterns.push(r);
  }
  if (strings.length === 0 && patterns.length === 0) return undefined;
  const exact = indexByLength(strings);
  return (req) => {
    const url = req.url;
    if (typeof url !== 'string') return false;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const candidates = exact[path.length];
    if (candidates !== undefined && candidates.includes(path)) return true;
    for (const p of patterns) {
      // A global/sticky RegExp keeps lastIndex between calls; reset it so every request matches alike.
      p.lastIndex = 0;
      if (p.test(path)) return true;
    }
    return false;
  };
}
