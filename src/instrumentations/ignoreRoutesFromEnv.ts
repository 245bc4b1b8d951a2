import { envString, warnBadEnv, type Env } from '../env.js';

export const IGNORE_ROUTES_ENV = 'TRACEWISE_IGNORE_ROUTES';

/**
 * TRACEWISE_IGNORE_ROUTES: comma-separated paths (`/health,/livez`) replacing the default list,
 * or `none` to trace every route. Undefined when unset; entries not starting with `/` are
 * reported once and skipped.
 */
export function ignoreRoutesFromEnv(env: Env): string[] | undefined {
  const v = envString(env, IGNORE_ROUTES_ENV);
  if (v === undefined) return undefined;
  if (v.toLowerCase() === 'none') return [];
  const entries = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = entries.filter((e) => !e.startsWith('/'));
  if (bad.length > 0) warnBadEnv(IGNORE_ROUTES_ENV, `entries must be paths starting with "/": ${bad.join(', ')}`, 'the others');
  return entries.filter((e) => e.startsWith('/'));
}
