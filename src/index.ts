export { initTracing } from './init.js';
export type { Tracing, GlobalRegistration } from './tracing.js';
export type { TracingConfig, LogLevel, PropagatorName } from './config.js';
export type { Instrumentation, StartSpanOptions, LogContext } from './instrumentation/instrumentation.js';
export { recordError } from './instrumentation/recordError.js';
export { TracewiseError, InvalidConfigError, isTracewiseError, type TracewiseErrorCode } from './errors.js';
export { FastIdGenerator } from './ids/fastIdGenerator.js';
