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
import * as workerThreads from 'node:worker_threads';
import { initTracing } from './init.js';

/**
 * Node also runs `--require` preloads in its own module-loader thread once a loader hook is
 * registered (this entry registers one): tracing there would be a second instance, registering
 * the hook again. Newer Node versions say so (`isInternalThread`, 22.14+); before, that thread is
 * the worker with no parent port (an application's own workers have one, and are traced).
 */
function isNodeInternalThread(): boolean {
  const flag = (workerThreads as { isInternalThread?: unknown }).isInternalThread;
  if (typeof flag === 'boolean') return flag;
  return !workerThreads.isMainThread && workerThreads.parentPort === null;
}

if (!isNodeInternalThread()) initTracing();
