import type { TracerProvider } from '@opentelemetry/api';
import type { ResolvedConfig } from '../config.js';
import { enableInstrumentations } from './enableInstrumentations.js';
import { instrumentationsByName } from './instrumentationsByName.js';

type InstrumentationOptions = Pick<ResolvedConfig, 'instrumentations' | 'instrumentationNames' | 'ignoreRoutes'>;

/**
 * The instrumentation step of `initTracing()`: the given instrumentations, or those named by the
 * environment / the default set, registered with `tracerProvider`. Without a provider (tracing
 * disabled) instances the application built are disabled, since constructing one already
 * patched its modules. Returns what `shutdown()` calls.
 */
export function setUpInstrumentations(config: InstrumentationOptions, tracerProvider: TracerProvider | undefined): () => void {
  if (tracerProvider === undefined) {
    if (config.instrumentations) for (const i of config.instrumentations) i.disable();
    return () => {};
  }
  if (config.instrumentations === false) return () => {};
  const list = config.instrumentations ?? instrumentationsByName(config.instrumentationNames);
  return enableInstrumentations(list, tracerProvider, config.ignoreRoutes);
}
