import { envNameList, warnBadEnv, type Env } from '../env.js';

/** Where OTEL_TRACES_EXPORTER can send spans: tracewise's OTLP pipeline, or the console. */
export type TracesExporterName = 'otlp' | 'console';

const SUPPORTED = ['otlp', 'console', 'none'];

/**
 * OTEL_TRACES_EXPORTER, read only when code passed no `exporter`: a comma-separated list of
 * `otlp` (tracewise's OTLP pipeline, over OTEL_EXPORTER_OTLP_PROTOCOL), `console` (the SDK's
 * ConsoleSpanExporter, one span at a time, as the official NodeSDK does) and `none` (spans are
 * still recorded for propagation and the application's own span processors, and sent nowhere).
 * Unset: undefined (the default, `otlp`). Exporters tracewise does not ship (`zipkin`, `jaeger`,
 * ...) are reported once through diag and skipped, and a list left empty falls back to `otlp`;
 * `none` with others is reported and gives `otlp`, as in the official NodeSDK.
 */
export function tracesExporterFromEnv(env: Env = process.env): TracesExporterName[] | undefined {
  const names = envNameList(env, 'OTEL_TRACES_EXPORTER');
  if (names === undefined) return undefined;
  const unknown = names.filter((n) => !SUPPORTED.includes(n));
  const known = names.filter((n) => SUPPORTED.includes(n));
  const problems: string[] = [];
  if (unknown.length > 0) {
    problems.push(`unsupported exporter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} (supported: ${SUPPORTED.join(', ')})`);
  }
  let result: TracesExporterName[];
  if (known.length === 1 && known[0] === 'none') result = [];
  else if (known.includes('none')) {
    // As the official NodeSDK: "none" with others is a contradiction, and the default settles it.
    problems.push('"none" cannot be combined with other exporters');
    result = ['otlp'];
  } else {
    result = known as TracesExporterName[];
    if (result.length === 0) result = ['otlp'];
  }
  if (problems.length > 0) warnBadEnv('OTEL_TRACES_EXPORTER', problems.join('; '), result.length > 0 ? result.join(',') : 'none');
  return result;
}
