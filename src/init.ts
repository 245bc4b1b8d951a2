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
  BasicTracerProvider,
  BatchSpanProcessor,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createExportPipeline, type ExportObserver, type ExportPipeline } from './export/index.js';
import { LOG_LEVELS, resolveConfig, resolveLogLevel, type ResolvedConfig, type TracingConfig } from './config.js';
import { baggageSpanProcessor, createBaggageManager, withStaticBaggage } from './baggage/index.js';
import { assertSupportedRuntime, runtimeVersions } from './compat.js';
import { installExitHooks } from './exitHooks.js';
import { createPropagator } from './propagation/index.js';
import { FastIdGenerator } from './ids/fastIdGenerator.js';
import { createInstrumentation } from './instrumentation/instrumentation.js';
import { buildResource } from './resource.js';
import { forcingBufferFor, forcingDropped, forcingOptionsOf, samplerFromConfig } from './forcing/index.js';
import { ForcingSampler } from './forcing/withForcing.js';
import { PreDecidedSampler } from './tracer/preDecidedSampler.js';
import { SAMPLER_ATTRIBUTE, type TracerCore } from './tracer/tracewiseTracer.js';
import { TracewiseTracerProvider } from './tracer/tracewiseTracerProvider.js';
import type { BoostSamplingOptions, GlobalRegistration, Tracing } from './tracing.js';
import { withTimeout } from './withTimeout.js';
import { alwaysOff, alwaysOn, createSamplerControl, headSampler, parentBased, type Boost, type SamplerControl } from './sampling/index.js';
import { InvalidConfigError } from './errors.js';
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
  // Read before tracewise registers any API global: a version already there is another copy's.
  const versions = runtimeVersions();
  const logLevel = resolveLogLevel(config, env);
  // A diag logger the application installed itself is kept unless a level is asked for explicitly.
  const explicit = config.logLevel !== undefined || env.OTEL_LOG_LEVEL !== undefined;
  if (explicit || !diagLoggerInstalled()) {
    if (logLevel === 'none') diag.disable();
    else diag.setLogger(new DiagConsoleLogger(), { logLevel: LOG_LEVELS[logLevel], suppressOverrideMessage: true });
  }
  const compatWarnings = assertSupportedRuntime(versions);
  const resolved = resolveConfig(config, env);
  const tracing = resolved.disabled ? createDisabled(resolved) : createEnabled(resolved);
  // The array is built here (readonly to callers only).
  (tracing.warnings as string[]).unshift(...compatWarnings);
  g[INSTANCE] = tracing;
  return tracing;
}

/** Whether any diag logger is registered (the API keeps it in its versioned global slot). */
function diagLoggerInstalled(): boolean {
  const slot = (globalThis as Record<symbol, { diag?: unknown } | undefined>)[Symbol.for('opentelemetry.js.api.1')];
  return slot?.diag !== undefined;
}

const DISABLED_SAMPLER = alwaysOff();

function checkBoostOrSampler(next: unknown): Sampler {
  if (typeof next !== 'object' || next === null || typeof (next as Sampler).shouldSample !== 'function') {
    throw new InvalidConfigError('sampler', 'expected an OpenTelemetry Sampler (an object with shouldSample())', 'Pass e.g. headSampler({ ratio: 0.1 }).');
  }
  return next as Sampler;
}

/** `{ ratio | factor, durationMs }` → the control's arguments; exactly one of ratio and factor. */
function toBoost(options: BoostSamplingOptions): [Boost, number] {
  const o = (options ?? {}) as { ratio?: unknown; factor?: unknown; durationMs?: unknown };
  const fix = 'Pass e.g. { ratio: 0.5, durationMs: 60000 } or { factor: 10, durationMs: 60000 }.';
  if ((o.ratio === undefined) === (o.factor === undefined)) {
    throw new InvalidConfigError('boostSampling', 'give exactly one of `ratio` and `factor`', fix);
  }
  if (typeof o.durationMs !== 'number' || !(o.durationMs > 0) || !Number.isFinite(o.durationMs)) {
    throw new InvalidConfigError('boostSampling.durationMs', 'expected a positive number of milliseconds', fix);
  }
  if (o.ratio !== undefined && (typeof o.ratio !== 'number' || !(o.ratio >= 0 && o.ratio <= 1))) {
    throw new InvalidConfigError('boostSampling.ratio', 'expected a number in [0, 1]', fix);
  }
  if (o.factor !== undefined && (typeof o.factor !== 'number' || !(o.factor >= 1) || !Number.isFinite(o.factor))) {
    throw new InvalidConfigError('boostSampling.factor', 'expected a finite number >= 1', fix);
  }
  return [o.ratio !== undefined ? { ratio: o.ratio as number } : { factor: o.factor as number }, o.durationMs];
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
    metrics: setUpMetrics(config, new SpanCounters(), () => DISABLED_SAMPLER, undefined),
    baggage: createBaggageManager({ staticEntries: config.baggage.staticEntries }),
    sampler: DISABLED_SAMPLER,
    setSampler: (next) => void checkBoostOrSampler(next),
    boostSampling: (options) => void toBoost(options),
    forceFlush: () => Promise.resolve(),
    shutdown: clear,
  };
  return tracing;
}

/**
 * The head sampler, by precedence: `sampler` (a Sampler, or the head of the forcing form),
 * `samplingRate`, OTEL_TRACES_SAMPLER, and the spec's default parentbased_always_on — all on
 * tracewise's consistent samplers.
 */
function headSamplerFor(config: ResolvedConfig): Sampler {
  if (config.sampler) return config.sampler;
  if (config.samplingRate !== undefined) return headSampler({ ratio: config.samplingRate });
  return config.envSampler ?? parentBased(alwaysOn());
}

/**
 * The live sampler: runtime control around the head, forcing (object form, or a withForcing()
 * sampler given as `sampler`) around the control, so setSampler()/boostSampling() change the
 * head and forcing keeps working.
 */
function liveSampler(config: ResolvedConfig): { control: SamplerControl; sampler: Sampler } {
  const configured = samplerFromConfig(config.forcing, () => headSamplerFor(config));
  const forcing = forcingOptionsOf(configured);
  const control = createSamplerControl(forcing ? (configured as ForcingSampler).head : configured);
  return { control, sampler: forcing ? new ForcingSampler(control.sampler, forcing) : control.sampler };
}

/**
 * Where ended spans go: tracewise's reliable OTLP pipeline (src/export), or, with a custom
 * `exporter`, the SDK's BatchSpanProcessor around it.
 */
function exportProcessor(config: ResolvedConfig, observer: ExportObserver): { processor: SpanProcessor; pipeline?: ExportPipeline } {
  const o = config.export.options;
  if (config.exporter) {
    const processor = new BatchSpanProcessor(config.exporter, {
      maxExportBatchSize: o.exportBatchSize,
      scheduledDelayMillis: o.exportInterval,
      maxQueueSize: Math.max(config.export.maxQueueSize, o.exportBatchSize),
      exportTimeoutMillis: o.exportTimeout,
    });
    return { processor };
  }
  const pipeline = createExportPipeline({ ...o, flushTimeout: config.shutdownTimeout, observer });
  return { processor: pipeline, pipeline };
}


function createEnabled(config: ResolvedConfig): Tracing {
  const { control, sampler } = liveSampler(config);
  // Error/latency forcing: its buffer sits before the export processor, so flush/shutdown decide first.
  const forcing = forcingBufferFor(sampler);
  let pipeline: ExportPipeline | undefined;
  const metrics = setUpMetrics(
    config,
    new SpanCounters(),
    () => sampler,
    () => pipeline?.stats(),
    forcing && (() => forcingDropped(forcing.stats())),
    control.current,
  );
  const exported = exportProcessor(config, metrics.latency.observer);
  const exporting = exported.processor;
  pipeline = exported.pipeline;
  const resource = buildResource(config);
  const ids = new FastIdGenerator();
  const preDecided = new PreDecidedSampler(() => sampler);
  const core: TracerCore = {
    sampler,
    ids,
    preDecided,
    provenance: { [SAMPLER_ATTRIBUTE]: sampler.toString() },
    forcing,
    counters: config.metrics ? metrics.counters : undefined,
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
    get sampler() {
      return control.current();
    },
    setSampler(next) {
      control.set(checkBoostOrSampler(next));
      // Names a foreign sampler on the spans it records (tracewise samplers name themselves).
      core.provenance = { [SAMPLER_ATTRIBUTE]: next.toString() };
    },
    boostSampling(options) {
      const [boost, durationMs] = toBoost(options);
      control.boost(boost, durationMs);
    },
    forceFlush: () =>
      shutdownPromise ? Promise.resolve() : withTimeout(sdkProvider.forceFlush(), config.shutdownTimeout, 'forceFlush'),
    shutdown,
  };
  return tracing;
}
