/**
 * Tracing for the catalog service, loaded first: `node --import ./instrumentation.js app.js`.
 * PgInstrumentation gives every query a CLIENT span (`db.system.name: postgresql`,
 * `db.query.text`, `db.namespace`...), a child of whatever span is active: here the HTTP
 * request's. Service name and endpoint come from OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT.
 */
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultInstrumentations, initTracing } from '../../src/index.js';

initTracing({ instrumentations: [...defaultInstrumentations(), new PgInstrumentation()] });
