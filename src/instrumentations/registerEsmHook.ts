import * as nodeModule from 'node:module';
import type { Instrumentation as OTelInstrumentation, InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';

const BUILTINS = new Set(nodeModule.builtinModules);
const HOOKED = Symbol.for('tracewise.esmHookedModules');
type Global = typeof globalThis & { [HOOKED]?: Set<string> };

interface WithDefinitions {
  getModuleDefinitions?(): InstrumentationModuleDefinition[];
}

/** The packages (not built-ins) the instrumentations patch: `express`, `pg`, `@grpc/grpc-js`... */
export function hookedPackages(instrumentations: readonly OTelInstrumentation[]): string[] {
  const names = new Set<string>();
  for (const inst of instrumentations as readonly (OTelInstrumentation & WithDefinitions)[]) {
    if (typeof inst.getModuleDefinitions !== 'function') continue;
    for (const def of inst.getModuleDefinitions()) {
      const name = def.name.startsWith('node:') ? def.name.slice(5) : def.name;
      if (!BUILTINS.has(name)) names.add(def.name);
    }
  }
  return [...names];
}

/**
 * Registers the OpenTelemetry ESM loader hook (import-in-the-middle) for these packages, once
 * per package and process. Why: `import express from 'express'` never goes through `require`,
 * so require-in-the-middle cannot patch it; the loader hook can, for modules imported after it
 * is registered — hence `--import tracewise/register`, or `initTracing()` in a file loaded with
 * `--import` before the application. `include` limits the hook to these packages: every other
 * module loads untouched. Returns the packages newly hooked ([] when none, or without
 * `module.register`, Node < 20.6).
 */
export function registerEsmHook(packages: readonly string[]): string[] {
  const g = globalThis as Global;
  const hooked = (g[HOOKED] ??= new Set());
  const fresh = packages.filter((p) => !hooked.has(p));
  if (fresh.length === 0 || typeof nodeModule.register !== 'function') return [];
  nodeModule.register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: fresh } });
  for (const p of fresh) hooked.add(p);
  return fresh;
}
