import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { baggageSpanProcessor, createBaggageManager, withStaticBaggage } from '../baggage/index.js';
import type { ResolvedConfig } from '../config.js';
import { installExitHooks } from '../exitHooks.js';
import type { ExportPipeline } from '../export/index.js';
import { forcingBufferFor } from '../forcing/index.js';
import { FastIdGenerator } from '../ids/fastIdGenerator.js';
import { createInstrumentation } from '../instrumentation/instrumentation.js';
import { setUpInstrumentations } from '../instrumentations/setUpInstrumentations.js';
import { setUpMetrics } from '../metrics/setUpMetrics.js';
import { countingEnds, SpanCounters } from '../metrics/spanCounters.js';
import { createPropagator } from '../propagation/index.js';
import { buildResource } from '../resource.js';
import { PreDecidedSampler } from '../tracer/preDecidedSampler.js';
import { ATTR_TRACEWISE_SAMPLER } from '../sampling/attributes.js';
import type { TracerCore } from '../tracer/tracewiseTracer.js';
import { TracewiseTracerProvider } from '../tracer/tracewiseTracerProvider.js';
import type { Tracing } from '../tracing.js';
import { withTimeout } from '../withTimeout.js';
import { exportProcessor } from './exportProcessor.js';
import { checkNewSampler, liveSampler, toBoost } from './liveSampler.js';
import { registerGlobals } from './registerGlobals.js';

/**
 * Builds the pipeline: sampler (control + forcing) → tracewise tracer over the SDK provider →
 * processors (counting, baggage attributes, forcing buffer, export, the user's) → OTLP.
 */
export function createEnabled(config: ResolvedConfig, onShutdown: () => void): Tracing {
  const { control, sampler } = liveSampler(config);
  // Error/latency forcing: its buffer sits before the export processor, so flush/shutdown decide first.
  const forcing = forcingBufferFor(sampler);
  let pipeline: ExportPipeline | undefined;
  const metrics = setUpMetrics(
    config,
    new SpanCounters(),
    () => sampler,
    () => pipeline?.stats(),
    forcing && (() => forcing.stats()),
    control.current,
  );
  const exported = exportProcessor(config, metrics.latency.observer);
  pipeline = exported.pipeline;
  const resource = buildResource(config);
  const ids = new FastIdGenerator();
  const core: TracerCore = {
    sampler,
    ids,
    preDecided: new PreDecidedSampler(() => sampler),
    provenance: { [ATTR_TRACEWISE_SAMPLER]: sampler.toString() },
    forcing,
    counters: config.metrics ? metrics.counters : undefined,
  };
  const baggageToAttributes = baggageSpanProcessor(config.baggage.allow);
  const sdkProvider = new BasicTracerProvider({
    resource,
    sampler: core.preDecided,
    idGenerator: ids,
    forceFlushTimeoutMillis: config.shutdownTimeout,
    spanProcessors: [
      ...(baggageToAttributes ? [baggageToAttributes] : []),
      ...(forcing ? [forcing] : []),
      core.counters ? countingEnds(exported.processor, core.counters) : exported.processor,
      ...config.spanProcessors,
    ],
  });
  forcing?.attach({
    processor: exported.processor,
    resource,
    scope: { name: config.serviceName },
    counters: core.counters,
    startProcessor: baggageToAttributes,
  });
  const provider = new TracewiseTracerProvider(sdkProvider, core);
  const globals = registerGlobals(provider, withStaticBaggage(createPropagator(config.propagators), config.baggage.staticEntries));
  const disableInstrumentations = setUpInstrumentations(config, provider);

  let removeExitHooks: (() => void) | undefined;
  let shutdownPromise: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    if (shutdownPromise) return shutdownPromise;
    removeExitHooks?.();
    metrics.unpublish();
    disableInstrumentations();
    shutdownPromise = withTimeout(sdkProvider.shutdown(), config.shutdownTimeout, 'shutdown').then(() => {
      globals.unregister();
      onShutdown();
    });
    return shutdownPromise;
  };
  if (config.flushOnExit) removeExitHooks = installExitHooks(shutdown);

  const tracer = provider.getTracer(config.serviceName);
  return {
    tracer,
    instrumentation: createInstrumentation(tracer),
    enabled: true,
    serviceName: config.serviceName,
    registration: globals.registration,
    warnings: globals.warnings,
    metrics,
    baggage: createBaggageManager({ staticEntries: config.baggage.staticEntries }),
    get sampler() {
      return control.current();
    },
    setSampler(next) {
      control.set(checkNewSampler(next));
      // Names a foreign sampler on the spans it records (tracewise samplers name themselves).
      core.provenance = { [ATTR_TRACEWISE_SAMPLER]: next.toString() };
    },
    boostSampling(options) {
      const [boost, durationMs] = toBoost(options);
      control.boost(boost, durationMs);
    },
    forceFlush: () =>
      shutdownPromise ? Promise.resolve() : withTimeout(sdkProvider.forceFlush(), config.shutdownTimeout, 'forceFlush'),
    shutdown,
  };
}
