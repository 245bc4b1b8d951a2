export { initTracing } from './init.js';
export type { Tracing, GlobalRegistration } from './tracing.js';
export type { TracingConfig, LogLevel, PropagatorName } from './config.js';
export type { Instrumentation, StartSpanOptions, LogContext } from './instrumentation/instrumentation.js';
export { recordError } from './instrumentation/recordError.js';
export { TracewiseError, InvalidConfigError, isTracewiseError, type TracewiseErrorCode } from './errors.js';
export { UnsupportedRuntimeError, SUPPORTED_API_RANGE, MIN_NODE_VERSION } from './compat.js';
export { FastIdGenerator } from './ids/fastIdGenerator.js';
export { defaultInstrumentations } from './instrumentations/defaultInstrumentations.js';
export { DEFAULT_IGNORE_ROUTES, type IgnoreRoute } from './instrumentations/ignoreRoutes.js';
export { setHttpRoute } from './instrumentations/setHttpRoute.js';
export {
  HttpServerInstrumentation,
  HTTP_SERVER_INSTRUMENTATION,
  type HttpServerInstrumentationConfig,
} from './instrumentations/httpServer/httpServerInstrumentation.js';
export {
  createPropagator,
  propagatorsFromEnv,
  validatePropagators,
  injectInto,
  extractFrom,
  httpHeaders,
  httpMessage,
  fetchHeaders,
  grpcMetadata,
  mapCarrier,
  environmentCarrier,
  messageAttributes,
  sqsMessageAttributes,
  b3Propagator,
  W3CTraceContextPropagator,
  W3CTraceState,
  type Propagates,
} from './propagation/index.js';
export {
  createBaggageManager,
  withStaticBaggage,
  baggageSpanProcessor,
  baggageMetadata,
  baggageProperties,
  W3CBaggagePropagator,
  parseBaggageHeader,
  serializeBaggage,
  type BaggageMember,
  type BaggageManager,
  type BaggageAllow,
} from './baggage/index.js';
export type { BaggageConfig } from './config.js';
export type { TracingMetricsSnapshot } from './metrics/tracingMetrics.js';
export type { TracingMetricsHandle } from './metrics/setUpMetrics.js';
export {
  headSampler,
  parentBased,
  rateLimitingSampler,
  adaptiveSampler,
  ruleSampler,
  alwaysOn,
  alwaysOff,
  samplerFromEnv,
  createSamplerControl,
  ATTR_TRACEWISE_SAMPLER,
  ATTR_TRACEWISE_SAMPLING_PROBABILITY,
  type HeadSamplerOptions,
  type ParentBasedOptions,
  type RateLimitingSamplerOptions,
  type AdaptiveSampler,
  type AdaptiveSamplerOptions,
  type ErrorRateSignal,
  type RuleSamplerOptions,
  type SamplingRule,
  type AttributeMatcher,
  type ParentKind,
  type SamplerControl,
  type SamplerControlOptions,
  type Boost,
} from './sampling/index.js';
export type { BoostSamplingOptions } from './tracing.js';
export {
  withForcing,
  forcingStatsOf,
  FORCED_ATTRIBUTE,
  type ForcingOptions,
  type ForcingBufferOptions,
  type ForcingSamplerConfig,
  type ForcedReason,
  type ForcingStats,
} from './forcing/index.js';
export type { ExportConfig } from './exportConfig.js';
export {
  createExportPipeline,
  exporterOptionsFromEnv,
  validateExportOptions,
  fanOutObserver,
  EXPORT_DEFAULTS,
  DROP_REASONS,
  type ExportPipeline,
} from './export/index.js';
export type { ExportPipelineOptions, ExportProtocol, ExportCompression, RetryOptions, DropReason, ExportObserver, ExportStats } from './export/index.js';
