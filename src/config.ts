import { DiagLogLevel, type Attributes, type MeterProvider } from '@opentelemetry/api';
import type { Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InvalidConfigError, rejectUnknownOptions } from './errors.js';
import { tracesExporterFromEnv, type TracesExporterName } from './export/tracesExporterFromEnv.js';
import { baggageSpanProcessor, type BaggageAllow } from './baggage/index.js';
import { normalizeStaticEntries } from './baggage/staticEntries.js';
import { DEFAULT_PROPAGATORS, propagatorsFromEnv, validatePropagators, type PropagatorName } from './propagation/index.js';
import { samplerFromEnv } from './sampling/samplerFromEnv.js';
import { EXPORT_CONFIG_KEYS, resolveExportConfig, type ExportConfig, type ResolvedExportConfig } from './exportConfig.js';
import { envBoolean, envKeyValueList, envNumber, envString, warnBadEnv, type Env } from './env.js';
import { checkSamplerOption, type ForcingSamplerConfig } from './forcing/index.js';
import type { Instrumentation as OTelInstrumentation } from '@opentelemetry/instrumentation';
import { DEFAULT_IGNORE_ROUTES, type IgnoreRoute } from './instrumentations/ignoreRoutes.js';
import { ignoreRoutesFromEnv } from './instrumentations/ignoreRoutesFromEnv.js';
import { instrumentationNamesFromEnv } from './instrumentations/instrumentationNamesFromEnv.js';
import { checkIgnoreRoutes, checkInstrumentations } from './instrumentations/checkInstrumentationOptions.js';

/**
 * Everything `initTracing()` accepts. Each option has a standard environment variable; a value
 * given in code wins over the environment, which wins over the default (the convention of most
 * OpenTelemetry distributions). See docs/configuration.md.
 */
export interface TracingConfig extends ExportConfig {
  /** `service.name`. Env: OTEL_SERVICE_NAME. Default: `unknown_service:node`. */
  serviceName?: string;
  /** `service.version`. */
  serviceVersion?: string;
  /** `deployment.environment.name`. */
  environment?: string;
  /** Extra resource attributes, merged over OTEL_RESOURCE_ATTRIBUTES. */
  resourceAttributes?: Attributes;
  /** Shorthand for a consistent parent-based head sampler with this ratio, 0..1. */
  samplingRate?: number;
  /**
   * Any OTel `Sampler` (wins over `samplingRate` and OTEL_TRACES_SAMPLER), or a head sampler with
   * error/latency forcing: `{ head?, ratio?, forceErrors?, forceSlowerThanMs?, latencyScope?,
   * forceWhen?, buffer? }` (docs/forcing.md).
   */
  sampler?: Sampler | ForcingSamplerConfig;
  /** Turns the SDK into a no-op. Env: OTEL_SDK_DISABLED. Default false. */
  disabled?: boolean;
  /** OTel diag log level. Env: OTEL_LOG_LEVEL. Default `warn`. */
  logLevel?: LogLevel;
  /** Env: OTEL_PROPAGATORS. Default `['tracecontext', 'baggage']`. */
  propagators?: PropagatorName[];
  /** Flush and shut down on SIGTERM, SIGINT and `beforeExit`. Default true. */
  flushOnExit?: boolean;
  /** Upper bound for `shutdown()` and `forceFlush()`, ms. Default 5000. */
  shutdownTimeout?: number;
  /** Extra span processors, run after tracewise's own. */
  spanProcessors?: SpanProcessor[];
  /** Export to this SpanExporter (batched) instead of OTLP, e.g. a console or in-memory exporter. */
  exporter?: SpanExporter;
  /**
   * Baggage: `staticEntries` are added to every outgoing request (deployment tags…);
   * `allow` names the baggage keys copied into span attributes `baggage.<key>` (default none).
   */
  baggage?: BaggageConfig;
  /** Count spans for `tracing.metrics`. Default true. */
  metrics?: boolean;
  /** Publish tracing's own metrics here; default: the global MeterProvider, if one is registered. */
  meterProvider?: MeterProvider;
  /**
   * OpenTelemetry instrumentations (`@opentelemetry/instrumentation-*`) to register with
   * tracewise; `false` registers none. Default: `defaultInstrumentations()` (HTTP in and out,
   * fetch/undici out), or the short names in OTEL_NODE_ENABLED_INSTRUMENTATIONS minus
   * OTEL_NODE_DISABLED_INSTRUMENTATIONS. See docs/instrumentations.md.
   */
  instrumentations?: OTelInstrumentation[] | false;
  /**
   * Incoming HTTP requests left untraced: exact paths (query ignored) or RegExps on the path.
   * Env: TRACEWISE_IGNORE_ROUTES (comma list, `none`). Default `['/health', '/healthz', '/ready', '/metrics']`.
   */
  ignoreRoutes?: IgnoreRoute[];
}

export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';
export type { PropagatorName };

export const LOG_LEVELS: Record<LogLevel, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/** The configuration after code, environment and defaults are merged and checked. */
export interface ResolvedConfig {
  serviceName: string;
  serviceVersion: string | undefined;
  environment: string | undefined;
  resourceAttributes: Attributes;
  samplingRate: number | undefined;
  sampler: Sampler | undefined;
  /** OTEL_TRACES_SAMPLER(_ARG), read only when code chose no sampler. */
  envSampler: Sampler | undefined;
  /** The object form of `sampler`: a head sampler with forcing. */
  forcing?: ForcingSamplerConfig;
  /** Exporter options merged from code and OTEL_EXPORTER_OTLP_* / OTEL_BSP_*. */
  export: ResolvedExportConfig;
  disabled: boolean;
  logLevel: LogLevel;
  propagators: PropagatorName[];
  flushOnExit: boolean;
  shutdownTimeout: number;
  spanProcessors: SpanProcessor[];
  exporter: SpanExporter | undefined;
  /** Without `exporter`: where spans go, from OTEL_TRACES_EXPORTER (default `['otlp']`; empty: nowhere). */
  tracesExporters: TracesExporterName[];
  metrics: boolean;
  meterProvider: MeterProvider | undefined;
  baggage: { staticEntries: Readonly<Record<string, string>>; allow: BaggageAllow | undefined };
  /** Given in code (an array, or false for none); undefined: build `instrumentationNames`. */
  instrumentations: OTelInstrumentation[] | false | undefined;
  /** Short names of the instrumentations to build when the code gives none (env or default). */
  instrumentationNames: string[];
  ignoreRoutes: IgnoreRoute[];
}

export interface BaggageConfig {
  staticEntries?: Record<string, string>;
  allow?: BaggageAllow;
}

export const DEFAULTS = {
  logLevel: 'warn' as LogLevel,
  shutdownTimeout: 5000,
};

const KNOWN_OPTIONS = new Set<string>([
  ...EXPORT_CONFIG_KEYS,
  'serviceName', 'serviceVersion', 'environment', 'resourceAttributes',
  'samplingRate', 'sampler',
  'disabled', 'logLevel', 'propagators', 'flushOnExit', 'shutdownTimeout', 'spanProcessors', 'exporter',
  'metrics', 'meterProvider', 'baggage', 'instrumentations', 'ignoreRoutes',
]);

// ---- checks for values given in code: wrong → InvalidConfigError naming the field and the fix

function checkString(option: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    throw new InvalidConfigError(option, `expected a non-empty string, got ${describe(v)}`, `Pass a string such as "checkout", or leave \`${option}\` out.`);
  }
  return v;
}

function checkInt(option: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidConfigError(option, `expected an integer in [${min}, ${max}], got ${describe(v)}`, `Pass a whole number between ${min} and ${max}.`);
  }
  return v;
}

function checkBool(option: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') {
    throw new InvalidConfigError(option, `expected true or false, got ${describe(v)}`, `Pass a boolean.`);
  }
  return v;
}


function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : String(v);
}

function isSampler(v: unknown): v is Sampler {
  return typeof v === 'object' && v !== null && typeof (v as Sampler).shouldSample === 'function';
}

function isProcessor(v: unknown): v is SpanProcessor {
  const p = v as SpanProcessor;
  return typeof v === 'object' && v !== null && typeof p.onEnd === 'function' && typeof p.onStart === 'function';
}

// ---- environment: wrong → one diag warning, default used


function envLogLevel(env: Env, report: boolean): LogLevel | undefined {
  const v = envString(env, 'OTEL_LOG_LEVEL');
  if (v === undefined) return undefined;
  const l = v.toLowerCase();
  if (l in LOG_LEVELS) return l as LogLevel;
  if (report) warnBadEnv('OTEL_LOG_LEVEL', `unknown level "${v}" (none, error, warn, info, debug, verbose, all)`, DEFAULTS.logLevel);
  return undefined;
}

/**
 * The diag level alone, resolved first so that warnings about other variables reach a logger.
 */
export function resolveLogLevel(config: TracingConfig, env: Env, report = true): LogLevel {
  const v: unknown = config.logLevel !== undefined ? config.logLevel : envLogLevel(env, report);
  if (v === undefined) return DEFAULTS.logLevel;
  if (typeof v !== 'string' || !(v in LOG_LEVELS)) {
    throw new InvalidConfigError('logLevel', `unknown level ${describe(v)}`, `Use one of: ${Object.keys(LOG_LEVELS).join(', ')}.`);
  }
  return v as LogLevel;
}

/**
 * Merges code, environment and defaults. Throws InvalidConfigError for a bad value given in
 * code; reports a bad environment value once through `diag` and uses the default.
 */
export function resolveConfig(config: TracingConfig = {}, env: Env = process.env): ResolvedConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidConfigError('config', `expected an options object, got ${describe(config)}`, 'Call initTracing() or initTracing({ serviceName: "..." }).');
  }
  rejectUnknownOptions(config, KNOWN_OPTIONS);
  const c = config as Record<string, unknown>;
  const logLevel = resolveLogLevel(config, env);

  if (c.resourceAttributes !== undefined && (typeof c.resourceAttributes !== 'object' || c.resourceAttributes === null || Array.isArray(c.resourceAttributes))) {
    throw new InvalidConfigError('resourceAttributes', `expected an object of attributes, got ${describe(c.resourceAttributes)}`, 'Pass e.g. { "team": "payments" }.');
  }
  if (c.samplingRate !== undefined && (typeof c.samplingRate !== 'number' || !(c.samplingRate >= 0 && c.samplingRate <= 1))) {
    throw new InvalidConfigError('samplingRate', `expected a number in [0, 1], got ${describe(c.samplingRate)}`, 'Pass e.g. 0.1 to keep 10% of new traces.');
  }
  const samplerOption = checkSamplerOption(c.sampler);
  if (c.exporter !== undefined && (typeof c.exporter !== 'object' || c.exporter === null || typeof (c.exporter as SpanExporter).export !== 'function')) {
    throw new InvalidConfigError('exporter', 'expected a SpanExporter (an object with export() and shutdown())', 'Pass e.g. new ConsoleSpanExporter(), or leave it out to export over OTLP.');
  }
  if (c.meterProvider !== undefined && (typeof c.meterProvider !== 'object' || c.meterProvider === null || typeof (c.meterProvider as MeterProvider).getMeter !== 'function')) {
    throw new InvalidConfigError('meterProvider', 'expected an OpenTelemetry MeterProvider (an object with getMeter())', 'Pass your MeterProvider, or leave it out to use the global one.');
  }
  if (c.spanProcessors !== undefined && (!Array.isArray(c.spanProcessors) || !c.spanProcessors.every(isProcessor))) {
    throw new InvalidConfigError('spanProcessors', 'expected an array of SpanProcessor objects', 'Pass e.g. [new SimpleSpanProcessor(exporter)].');
  }

  if (c.baggage !== undefined && (typeof c.baggage !== 'object' || c.baggage === null || Array.isArray(c.baggage))) {
    throw new InvalidConfigError('baggage', `expected an object, got ${describe(c.baggage)}`, 'Pass e.g. { staticEntries: { region: "eu" }, allow: ["tenant"] }.');
  }
  const baggage = (c.baggage as BaggageConfig | undefined) ?? {};
  rejectUnknownOptions(baggage, ['staticEntries', 'allow'], 'baggage.');
  // Validates `allow` now, so a bad one fails here rather than when the processor is built.
  baggageSpanProcessor(baggage.allow);

  const envResource = envKeyValueList(env, 'OTEL_RESOURCE_ATTRIBUTES');
  const codeResource = (c.resourceAttributes as Attributes | undefined) ?? {};
  const serviceName =
    checkString('serviceName', c.serviceName) ??
    (typeof codeResource['service.name'] === 'string' ? (codeResource['service.name'] as string) : undefined) ??
    envString(env, 'OTEL_SERVICE_NAME') ??
    envResource['service.name'] ??
    'unknown_service:node';
  // The head comes from OTEL_TRACES_SAMPLER only when code chose none (a forcing object without
  // `head` or `ratio` chooses none); the variables are not even read otherwise.
  const codeChoseHead =
    c.samplingRate !== undefined ||
    (samplerOption !== undefined && (isSampler(samplerOption) || samplerOption.head !== undefined || samplerOption.ratio !== undefined));

  return {
    serviceName,
    serviceVersion: checkString('serviceVersion', c.serviceVersion),
    environment: checkString('environment', c.environment),
    resourceAttributes: { ...envResource, ...codeResource },
    samplingRate: c.samplingRate as number | undefined,
    sampler: isSampler(samplerOption) ? samplerOption : undefined,
    forcing: isSampler(samplerOption) ? undefined : samplerOption,
    envSampler: codeChoseHead ? undefined : samplerFromEnv(env),
    export: resolveExportConfig(config, env),
    disabled: checkBool('disabled', c.disabled) ?? envBoolean(env, 'OTEL_SDK_DISABLED', false),
    logLevel,
    propagators:
      c.propagators !== undefined
        ? validatePropagators(c.propagators as unknown[])
        : (propagatorsFromEnv(env) ?? [...DEFAULT_PROPAGATORS]),
    baggage: {
      staticEntries: normalizeStaticEntries(baggage.staticEntries),
      allow: baggage.allow,
    },
    flushOnExit: checkBool('flushOnExit', c.flushOnExit) ?? true,
    shutdownTimeout: checkInt('shutdownTimeout', c.shutdownTimeout, 1, 600_000) ?? DEFAULTS.shutdownTimeout,
    spanProcessors: (c.spanProcessors as SpanProcessor[] | undefined) ?? [],
    exporter: c.exporter as SpanExporter | undefined,
    tracesExporters: c.exporter === undefined ? (tracesExporterFromEnv(env) ?? ['otlp']) : [],
    metrics: checkBool('metrics', c.metrics) ?? true,
    meterProvider: c.meterProvider as MeterProvider | undefined,
    instrumentations: checkInstrumentations(c.instrumentations),
    instrumentationNames: c.instrumentations === undefined ? instrumentationNamesFromEnv(env) : [],
    ignoreRoutes: checkIgnoreRoutes(c.ignoreRoutes) ?? ignoreRoutesFromEnv(env) ?? [...DEFAULT_IGNORE_ROUTES],
  };
}
