import {
  context,
  diag,
  DiagConsoleLogger,
  propagation,
  ProxyTracerProvider,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { Metadata } from '@grpc/grpc-js';
import { LOG_LEVELS, resolveConfig, resolveLogLevel, type ResolvedConfig, type TracingConfig } from './config.js';
import { baggageSpanProcessor, createBaggageManager, withStaticBaggage } from './baggage/index.js';
import { installExitHooks } from './exitHooks.js';
import { createPropagator } from './propagation/index.js';
import { FastIdGenerator } from './ids/fastIdGenerator.js';
import { createInstrumentation } from './instrumentation/instrumentation.js';
import { buildResource } from './resource.js';
import { forcingBufferFor, forcingDropped, samplerFromConfig } from './forcing/index.js';
import { PreDecidedSampler } from './tracer/preDecidedSampler.js';
import { SAMPLER_ATTRIBUTE, type TracerCore } from './tracer/tracewiseTracer.js';
import { TracewiseTracerProvider } from './tracer/tracewiseTracerProvider.js';
import type { GlobalRegistration, Tracing } from './tracing.js';
import { withTimeout } from './withTimeout.js';
import { setUpMetrics } from './metrics/setUpMetrics.js';
import { countingProcessor, SpanCounters } from './metrics/spanCounters.js';
import type { Env } from './env.js';
import { setUpInstrumentations } from './instrumentations/setUpInstrumentations.js';

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
  const logLevel = resolveLogLevel(config, env);
  // A diag logger the application installed itself is kept unless a level is asked for explicitly.
  const explicit = config.logLevel !== undefined || env.OTEL_LOG_LEVEL !== undefined;
  if (explicit || !diagLoggerInstalled()) {
    if (logLevel === 'none') diag.disable();
    else diag.setLogger(new DiagConsoleLogger(), { logLevel: LOG_LEVELS[logLevel], suppressOverrideMessage: true });
  }
  const resolved = resolveConfig(config, env);
  const tracing = resolved.disabled ? createDisabled(resolved) : createEnabled(resolved);
  g[INSTANCE] = tracing;
  return tracing;
}

/** Whether any diag logger is registered (the API keeps it in its versioned global slot). */
function diagLoggerInstalled(): boolean {
  const slot = (globalThis as Record<symbol, { diag?: unknown } | undefined>)[Symbol.for('opentelemetry.js.api.1')];
  return slot?.diag !== undefined;
}

function createDisabled(config: ResolvedConfig): Tracing {
  setUpInstrumentations(config, undefined);
  const tracer = new ProxyTracerProvider().getTracer('tracewise');
  const clear = () => {
    const g = globalThis as Global;
    if (g[INSTANCE] === tracing) delete g[INSTANCE];
    return Promise.resolve();
  };
  const tracing: Tracing = {
    tracer,
    instrumentation: createInstrumentation(tracer),
    enabled: false,
    serviceName: config.serviceName,
    registration: { tracerProvider: false, contextManager: false, propagator: false },
    warnings: [],
    metrics: setUpMetrics(config, new SpanCounters(), () => new AlwaysOffSampler(), undefined),
    baggage: createBaggageManager({ staticEntries: config.baggage.staticEntries }),
    forceFlush: () => Promise.resolve(),
    shutdown: clear,
  };
  return tracing;
}

function defaultSampler(config: ResolvedConfig): Sampler {
  if (config.sampler) return config.sampler;
  if (config.samplingRate !== undefined) {
    return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.samplingRate) });
  }
  return new ParentBasedSampler({ root: new AlwaysOnSampler() });
}

function exportProcessor(config: ResolvedConfig): SpanProcessor {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(config.headers)) metadata.set(k, v);
  const exporter = config.exporter ?? new OTLPTraceExporter({ url: config.endpoint, metadata, timeoutMillis: config.exportTimeout });
  return new BatchSpanProcessor(exporter, {
    maxExportBatchSize: config.exportBatchSize,
    scheduledDelayMillis: config.exportInterval,
    maxQueueSize: Math.max(config.maxQueueSize, config.exportBatchSize),
    exportTimeoutMillis: config.exportTimeout,
  });
}


function createEnabled(config: ResolvedConfig): Tracing {
  const sampler = samplerFromConfig(config.forcing, () => defaultSampler(config));
  // Error/latency forcing: its buffer sits before the export processor, so flush/shutdown decide first.
  const forcing = forcingBufferFor(sampler);
  const exporting = exportProcessor(config);
  const resource = buildResource(config);
  const ids = new FastIdGenerator();
  const preDecided = new PreDecidedSampler(() => sampler);
  const core: TracerCore = {
    sampler,
    ids,
    preDecided,
    provenance: { [SAMPLER_ATTRIBUTE]: sampler.toString() },
    forcing,
    counters: config.metrics ? new SpanCounters() : undefined,
  };
  const baggageToAttributes = baggageSpanProcessor(config.baggage.allow);
  const sdkProvider = new BasicTracerProvider({
    resource,
    sampler: preDecided,
    idGenerator: ids,
    forceFlushTimeoutMillis: config.shutdownTimeout,
    spanProcessors: [
      ...(core.counters ? [countingProcessor(core.counters)] : []),
      ...(baggageToAttributes ? [baggageToAttributes] : []),
      ...(forcing ? [forcing] : []),
      exporting,
      ...config.spanProcessors,
    ],
  });
  forcing?.attach({ processor: exporting, resource, scope: { name: config.serviceName }, counters: core.counters, startProcessor: baggageToAttributes });
  const metrics = setUpMetrics(config, core.counters ?? new SpanCounters(), () => sampler, undefined, forcing && (() => forcingDropped(forcing.stats())));
  const provider = new TracewiseTracerProvider(sdkProvider, core);

  const warnings: string[] = [];
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const registration: GlobalRegistration = {
    tracerProvider: trace.setGlobalTracerProvider(provider),
    contextManager: context.setGlobalContextManager(contextManager),
    propagator: propagation.setGlobalPropagator(
      withStaticBaggage(createPropagator(config.propagators), config.baggage.staticEntries),
    ),
  };
  if (!registration.tracerProvider) {
    warnings.push(
      'Another tracer provider is already registered globally: spans from tracing.tracer and tracing.instrumentation are ' +
        'exported by tracewise, but instrumentations using trace.getTracer() keep using the other provider. ' +
        'Call initTracing() before any other OpenTelemetry setup, or remove the other setup.',
    );
  }
  if (!registration.contextManager) {
    contextManager.disable();
    warnings.push('Another context manager is already registered globally; tracewise uses it.');
  }
  if (!registration.propagator) {
    warnings.push('Another propagator is already registered globally; inject/extract use it, not the configured `propagators`.');
  }
  for (const w of warnings) diag.warn(`tracewise: ${w}`);
  const disableInstrumentations = setUpInstrumentations(config, provider);

  let removeExitHooks: (() => void) | undefined;
  let shutdownPromise: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    if (shutdownPromise) return shutdownPromise;
    removeExitHooks?.();
    metrics.unpublish();
    disableInstrumentations();
    shutdownPromise = withTimeout(sdkProvider.shutdown(), config.shutdownTimeout, 'shutdown').then(() => {
      if (registration.tracerProvider) trace.disable();
      if (registration.contextManager) context.disable();
      if (registration.propagator) propagation.disable();
      const g = globalThis as Global;
      if (g[INSTANCE] === tracing) delete g[INSTANCE];
    });
    return shutdownPromise;
  };
  if (config.flushOnExit) removeExitHooks = installExitHooks(shutdown);

  const tracer = provider.getTracer(config.serviceName);
  const tracing: Tracing = {
    tracer,
    instrumentation: createInstrumentation(tracer),
    enabled: true,
    serviceName: config.serviceName,
    registration,
    warnings,
    metrics,
    baggage: createBaggageManager({ staticEntries: config.baggage.staticEntries }),
    forceFlush: () =>
      shutdownPromise ? Promise.resolve() : withTimeout(sdkProvider.forceFlush(), config.shutdownTimeout, 'forceFlush'),
    shutdown,
  };
  return tracing;
}
