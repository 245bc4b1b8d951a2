/**
 * Log correlation: every log line carries the active span's trace_id/span_id, so a log backend
 * can jump to the trace. Run: `npx tsx examples/log-correlation/index.ts` (no collector needed:
 * spans are printed by a console exporter).
 */
import { ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';
import { initTracing } from '../../src/index.js';

const tracing = initTracing({ serviceName: 'log-demo', exporter: new ConsoleSpanExporter(), flushOnExit: false });
const { instrumentation } = tracing;

/** A console logger that adds the trace context when there is one. */
const log = (msg: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ msg, ...fields, ...instrumentation.logContext() }));

/*
 * With pino, the same thing is a mixin:
 *   const logger = pino({ mixin: () => instrumentation.logContext() ?? {} });
 */

log('starting'); // no active span: no trace fields
await instrumentation.withSpan('handle request', async () => {
  log('loading order', { orderId: 42 });
  await instrumentation.withSpan('db.query', async () => log('query done'));
});
await tracing.shutdown();
