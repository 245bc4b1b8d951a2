import { createRequire } from 'node:module';
import path from 'node:path';
import type { Instrumentation as OTelInstrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { warnBadEnv } from '../env.js';
import { HttpServerInstrumentation } from './httpServer/httpServerInstrumentation.js';
import { markDefaultHttp } from './withoutShadowedDefaults.js';

type Ctor = new (config?: object) => OTelInstrumentation;

/**
 * Builds instrumentations from short names (`http`, `undici`, `express`, `pg`...), for the
 * environment-only setup of `--import tracewise/register`. `http` (tracewise's SERVER spans plus
 * instrumentation-http's CLIENT spans) and `undici` ship with tracewise; any other name is
 * `@opentelemetry/instrumentation-<name>`, loaded from the
 * application's own node_modules (the current directory), since the application installs it.
 * Names that cannot be loaded are reported once and skipped.
 */
export function instrumentationsByName(
  names: readonly string[],
  envName = 'OTEL_NODE_ENABLED_INSTRUMENTATIONS',
): OTelInstrumentation[] {
  const out: OTelInstrumentation[] = [];
  const missing: string[] = [];
  for (const name of names) {
    if (name === 'http') {
      // Incoming requests: tracewise's own (a fraction of the official one's cost per request);
      // outgoing: the official one.
      out.push(markDefaultHttp(new HttpServerInstrumentation()), markDefaultHttp(new HttpInstrumentation({ disableIncomingRequestInstrumentation: true })));
    }
    else if (name === 'undici' || name === 'fetch') out.push(new UndiciInstrumentation());
    else {
      const ctor = loadConstructor(`@opentelemetry/instrumentation-${name}`);
      if (ctor) out.push(new ctor());
      else missing.push(name);
    }
  }
  if (missing.length > 0) {
    warnBadEnv(
      envName,
      `cannot load ${missing.map((n) => `@opentelemetry/instrumentation-${n}`).join(', ')} from ${process.cwd()} (install it in the application)`,
      'the others',
    );
  }
  return out;
}

function loadConstructor(pkg: string): Ctor | undefined {
  let mod: Record<string, unknown>;
  try {
    mod = createRequire(path.join(process.cwd(), 'noop.js'))(pkg) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  for (const [key, value] of Object.entries(mod)) {
    if (key.endsWith('Instrumentation') && typeof value === 'function') return value as Ctor;
  }
  return undefined;
}
