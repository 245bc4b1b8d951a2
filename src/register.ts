/**
 * The preload entry: `node --import tracewise/register app.js` (ESM) or
 * `node --require tracewise/register app.js` (CommonJS). It runs before any module of the
 * application, configured from the environment alone (OTEL_SERVICE_NAME,
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_NODE_ENABLED_INSTRUMENTATIONS, TRACEWISE_IGNORE_ROUTES...;
 * docs/configuration.md), so the application needs no tracing code. Built-ins (http, https)
 * are patched at once; packages the instrumentations patch (express, pg...) get the
 * OpenTelemetry ESM loader hook, registered here before the application's imports run.
 * A later `initTracing()` in the application returns this instance.
 */
import { initTracing } from './init.js';

initTracing();
