/**
 * Tracing for both the client and the server process, loaded first:
 * `node --import ./instrumentation.js server.js`. GrpcInstrumentation creates a CLIENT span per
 * call and a SERVER span per handled call, and carries the trace context in the call's metadata
 * (`traceparent`), so the server span is the client span's child. Service name and endpoint come
 * from OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT.
 */
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { defaultInstrumentations, initTracing } from '../../src/index.js';

initTracing({ instrumentations: [...defaultInstrumentations(), new GrpcInstrumentation()] });
