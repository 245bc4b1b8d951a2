import { diag } from '@opentelemetry/api';
import { builtinModules, createRequire, syncBuiltinESMExports } from 'node:module';
import type { Instrumentation as OTelInstrumentation, InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';

const BUILTINS = new Set(builtinModules);
const nodeRequire = createRequire(import.meta.url);

interface WithDefinitions {
  /** InstrumentationBase's own definitions: the ones `disable()` unpatches. */
  _modules?: InstrumentationModuleDefinition[];
  isEnabled?(): boolean;
}

/**
 * Patches Node built-ins (http, https, net, dns...) right away instead of at their next
 * `require()`. Why: instrumentations patch on require, but an ESM application imports `node:http`
 * before `initTracing()` runs and never requires it, and require-in-the-middle only reports a
 * module once per process (a second instrumentation after a shutdown would never hear of it).
 * Built-ins are process-wide singletons, so patching the object now reaches every user of it;
 * `syncBuiltinESMExports()` then updates named ESM imports (`import { request } from 'node:http'`).
 */
export function patchLoadedBuiltins(instrumentations: readonly OTelInstrumentation[]): void {
  let patched = false;
  for (const inst of instrumentations as readonly (OTelInstrumentation & WithDefinitions)[]) {
    // `_modules` is internal to InstrumentationBase (getModuleDefinitions() builds fresh copies that
    // disable() would never see); anything else is left to its own require hook.
    if (!Array.isArray(inst._modules) || inst.isEnabled?.() === false) continue;
    for (const def of inst._modules) {
      const name = def.name.startsWith('node:') ? def.name.slice(5) : def.name;
      if (!BUILTINS.has(name) || typeof def.patch !== 'function') continue;
      // Through require-in-the-middle first: in a fresh process that is the instrumentation's own path.
      try {
        const exports = nodeRequire(name);
        if (def.moduleExports === undefined) {
          def.moduleExports = exports;
          def.patch(exports);
        }
        patched = true;
      } catch (err) {
        diag.warn(`tracewise: ${inst.instrumentationName} could not patch ${name}: ${String(err)}`);
      }
    }
  }
  if (patched) syncBuiltinESMExports();
}

