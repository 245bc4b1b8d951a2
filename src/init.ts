import { diag, DiagConsoleLogger } from '@opentelemetry/api';
import { assertSupportedRuntime, runtimeVersions } from './compat.js';
import { LOG_LEVELS, resolveConfig, resolveLogLevel, type TracingConfig } from './config.js';
import type { Env } from './env.js';
import { createDisabled } from './setup/createDisabled.js';
import { createEnabled } from './setup/createEnabled.js';
import type { Tracing } from './tracing.js';

/**
 * The process-wide instance lives on globalThis under a registry symbol, so the ESM and the CJS
 * builds of tracewise, when both are loaded in one process, share it.
 */
const INSTANCE = Symbol.for('tracewise.tracing');
type Global = typeof globalThis & { [INSTANCE]?: Tracing };

/**
 * Sets up tracing once for the process and returns it. A second call returns the same instance
 * (until it is shut down). Throws InvalidConfigError for bad options.
 */
export function initTracing(config: TracingConfig = {}, env: Env = process.env): Tracing {
  const g = globalThis as Global;
  const existing = g[INSTANCE];
  if (existing !== undefined) {
    if (Object.keys(config).length > 0) {
      diag.warn('tracewise: initTracing() was called again; returning the existing instance and ignoring the new options.');
    }
    return existing;
  }
  // Read before tracewise registers any API global: a version already there is another copy's.
  const versions = runtimeVersions();
  // Not reported yet: no logger is installed. resolveConfig() reports a bad OTEL_LOG_LEVEL once it is.
  const logLevel = resolveLogLevel(config, env, false);
  // A diag logger the application installed itself is kept unless a level is asked for explicitly.
  const explicit = config.logLevel !== undefined || env.OTEL_LOG_LEVEL !== undefined;
  if (explicit || !diagLoggerInstalled()) {
    if (logLevel === 'none') diag.disable();
    else diag.setLogger(new DiagConsoleLogger(), { logLevel: LOG_LEVELS[logLevel], suppressOverrideMessage: true });
  }
  const compatWarnings = assertSupportedRuntime(versions);
  const resolved = resolveConfig(config, env);
  const forget = () => {
    if (g[INSTANCE] === tracing) delete g[INSTANCE];
  };
  const tracing = resolved.disabled ? createDisabled(resolved, forget) : createEnabled(resolved, forget);
  // The array is built here (readonly to callers only).
  (tracing.warnings as string[]).unshift(...compatWarnings);
  g[INSTANCE] = tracing;
  return tracing;
}

/** Whether any diag logger is registered (the API keeps it in its versioned global slot). */
function diagLoggerInstalled(): boolean {
  const slot = (globalThis as Record<symbol, { diag?: unknown } | undefined>)[Symbol.for('opentelemetry.js.api.1')];
  return slot?.diag !== undefined;
}
