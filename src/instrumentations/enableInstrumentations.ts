import { syncBuiltinESMExports } from 'node:module';
import type { TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations, type Instrumentation as OTelInstrumentation } from '@opentelemetry/instrumentation';
import { applyIgnoreRoutes } from './applyIgnoreRoutes.js';
import type { IgnoreRoute } from './ignoreRoutes.js';
import { patchLoadedBuiltins } from './patchLoadedBuiltins.js';
import { withoutShadowedDefaults } from './withoutShadowedDefaults.js';
import { hookedPackages, registerEsmHook } from './registerEsmHook.js';

/**
 * Registers the instrumentations with tracewise's tracer provider (so their spans take the fast
 * sampling path even when another provider holds the global slot), applies `ignoreRoutes`, patches
 * built-ins already loaded, and hooks ESM imports of the packages they patch. Returns the function
 * that disables them again (run by `shutdown()`).
 */
export function enableInstrumentations(
  given: readonly OTelInstrumentation[],
  tracerProvider: TracerProvider,
  ignoreRoutes: readonly IgnoreRoute[],
): () => void {
  const instrumentations = withoutShadowedDefaults(given);
  if (instrumentations.length === 0) return () => {};
  applyIgnoreRoutes(instrumentations, ignoreRoutes);
  const disable = registerInstrumentations({ instrumentations: [...instrumentations], tracerProvider });
  for (const inst of instrumentations as readonly (OTelInstrumentation & { isEnabled?(): boolean })[]) {
    // registerInstrumentations skips instances whose config says enabled; one disabled by an
    // earlier shutdown() still says so. enable() is idempotent on InstrumentationBase.
    if (inst.isEnabled?.() === false) inst.enable();
  }
  patchLoadedBuiltins(instrumentations);
  registerEsmHook(hookedPackages(instrumentations));
  return () => {
    disable();
    syncBuiltinESMExports();
  };
}
