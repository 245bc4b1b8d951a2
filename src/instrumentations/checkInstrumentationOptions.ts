import type { Instrumentation as OTelInstrumentation } from '@opentelemetry/instrumentation';
import { InvalidConfigError } from '../errors.js';
import type { IgnoreRoute } from './ignoreRoutes.js';

function isInstrumentation(v: unknown): v is OTelInstrumentation {
  const i = v as OTelInstrumentation;
  return (
    typeof v === 'object' && v !== null &&
    typeof i.enable === 'function' && typeof i.disable === 'function' &&
    typeof i.setTracerProvider === 'function' && typeof i.getConfig === 'function' && typeof i.setConfig === 'function'
  );
}

/** `instrumentations`: an array of OpenTelemetry instrumentations, or `false` for none. */
export function checkInstrumentations(v: unknown): OTelInstrumentation[] | false | undefined {
  if (v === undefined || v === false) return v;
  if (!Array.isArray(v) || !v.every(isInstrumentation)) {
    throw new InvalidConfigError(
      'instrumentations',
      'expected an array of OpenTelemetry instrumentations, or false',
      'Pass e.g. [...defaultInstrumentations(), new ExpressInstrumentation()], or false to register none.',
    );
  }
  return v;
}

/** `ignoreRoutes`: paths starting with `/`, or RegExps. */
export function checkIgnoreRoutes(v: unknown): IgnoreRoute[] | undefined {
  if (v === undefined) return undefined;
  const ok = (r: unknown) => r instanceof RegExp || (typeof r === 'string' && r.startsWith('/'));
  if (!Array.isArray(v) || !v.every(ok)) {
    throw new InvalidConfigError(
      'ignoreRoutes',
      'expected an array of paths starting with "/" or RegExps',
      'Pass e.g. ["/health", /^\\/internal\\//], or [] to trace every route.',
    );
  }
  return v;
}
