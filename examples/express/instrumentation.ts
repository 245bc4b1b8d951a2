/**
 * The tracing setup of the Express app, loaded before it: `node --import ./instrumentation.js app.js`.
 * Why a separate file: in an ES module application, `import express from 'express'` runs before
 * any line of app.js, so the instrumentations (and the ESM loader hook initTracing() registers for
 * the packages they patch) must be in place first. Service name and endpoint come from the
 * environment (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT).
 */
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { defaultInstrumentations, initTracing } from '../../src/index.js';

initTracing({ instrumentations: [...defaultInstrumentations(), new ExpressInstrumentation()] });
