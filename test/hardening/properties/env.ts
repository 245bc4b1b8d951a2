import fc from 'fast-check';
import { resolveConfig } from '../../../src/config.js';
import type { Env } from '../../../src/env.js';
import { exporterOptionsFromEnv } from '../../../src/export/exporterOptionsFromEnv.js';
import { validateExportOptions } from '../../../src/export/validateExportOptions.js';
import { ignoreRoutesFromEnv } from '../../../src/instrumentations/ignoreRoutesFromEnv.js';
import { instrumentationNamesFromEnv } from '../../../src/instrumentations/instrumentationNamesFromEnv.js';
import { PROPAGATOR_NAMES, propagatorsFromEnv } from '../../../src/propagation/index.js';
import { samplerFromEnv } from '../../../src/sampling/samplerFromEnv.js';
import { anyText, mutated, repeated } from '../arbitraries.js';
import type { FuzzCase } from '../fuzzCase.js';

/** Every variable tracewise reads, with plausible values to mutate. */
const VARIABLES: Record<string, string[]> = {
  OTEL_SERVICE_NAME: ['checkout'],
  OTEL_RESOURCE_ATTRIBUTES: ['team=payments,service.name=x', 'a=%20b', 'k=%E0%A4%A'],
  OTEL_SDK_DISABLED: ['true', 'false', 'TRUE'],
  OTEL_LOG_LEVEL: ['debug', 'none', 'warn'],
  OTEL_PROPAGATORS: ['tracecontext,baggage', 'b3,none', 'xray', 'none'],
  OTEL_TRACES_SAMPLER: ['parentbased_traceidratio', 'traceidratio', 'always_off', 'tracewise_head', 'parentbased_tracewise_adaptive', 'tracewise_ratelimiting'],
  OTEL_TRACES_SAMPLER_ARG: ['0.25', 'ratio=0.5,precision=14', 'tracesPerSecond=10,burst=1', 'minRatio=0.9,maxRatio=0.1', '2'],
  OTEL_EXPORTER_OTLP_ENDPOINT: ['http://localhost:4317', 'https://user:pw@collector:4318', 'collector:4317', 'ftp://x'],
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ['http://localhost:4318/v1/traces'],
  OTEL_EXPORTER_OTLP_HEADERS: ['api-key=s3cr3t', 'Authorization=Bearer%20abc', 'bad key=1', 'x=%0D%0Ainjected'],
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: ['x-tenant=acme'],
  OTEL_EXPORTER_OTLP_TIMEOUT: ['10000', '0', '-1', '1e9'],
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: ['500'],
  OTEL_EXPORTER_OTLP_PROTOCOL: ['grpc', 'http/protobuf', 'http/json'],
  OTEL_EXPORTER_OTLP_COMPRESSION: ['gzip', 'none', 'br'],
  OTEL_EXPORTER_OTLP_INSECURE: ['true', 'false', 'yes'],
  OTEL_EXPORTER_OTLP_CERTIFICATE: ['/etc/ssl/ca.pem'],
  OTEL_EXPORTER_OTLP_CLIENT_KEY: ['/k.pem'],
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: ['/c.pem'],
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: ['512', '0', '1.5'],
  OTEL_BSP_SCHEDULE_DELAY: ['5000', 'NaN'],
  OTEL_BSP_MAX_QUEUE_SIZE: ['2048', 'Infinity'],
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: ['http,undici', 'Bad Name'],
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: ['undici'],
  TRACEWISE_IGNORE_ROUTES: ['/health,/livez', 'none', 'health'],
};

const value = (examples: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...examples) },
    { weight: 3, arbitrary: mutated(fc.constantFrom(...examples)) },
    { weight: 2, arbitrary: anyText },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'NaN', '-0', '1e309', '0x10', ' 12 ', '\u0000', '%', '=', ',', ',,=,', '__proto__', 'constructor', 'parentbased_toString', '__proto__=1,constructor=2') },
    { weight: 1, arbitrary: repeated(fc.constantFrom('a=b,', ',', '%2', 'x'), 20_000) },
  );

export const envArb: fc.Arbitrary<Env> = fc.record(
  Object.fromEntries(Object.entries(VARIABLES).map(([k, examples]) => [k, value(examples)])),
  { requiredKeys: [] },
) as fc.Arbitrary<Env>;

const inRange = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

export const envCases: FuzzCase[] = [
  {
    parser: 'OTEL_* environment',
    name: 'resolveConfig never throws on any environment, and what it resolves the exporter accepts',
    property: () =>
      fc.property(envArb, (env) => {
        const c = resolveConfig({}, env);
        // What initTracing hands the export pipeline, which throws on options it cannot use.
        validateExportOptions(c.export.options);
        return (
          inRange(c.export.maxQueueSize, 1, 100_000_000) &&
          typeof c.disabled === 'boolean' &&
          c.propagators.length > 0 &&
          c.propagators.every((p) => (PROPAGATOR_NAMES as readonly string[]).includes(p)) &&
          typeof c.serviceName === 'string'
        );
      }),
    weight: 0.5,
  },
  {
    parser: 'OTEL_* environment',
    name: 'exporter options from any environment are accepted by the exporter (bad values warn, never throw)',
    property: () =>
      fc.property(envArb, (env) => {
        validateExportOptions(exporterOptionsFromEnv(env));
        return true;
      }),
  },
  {
    parser: 'OTEL_* environment',
    name: 'OTEL_PROPAGATORS, OTEL_TRACES_SAMPLER(_ARG), OTEL_NODE_*_INSTRUMENTATIONS, TRACEWISE_IGNORE_ROUTES never throw',
    property: () =>
      fc.property(envArb, (env) => {
        const p = propagatorsFromEnv(env);
        if (p !== undefined && (p.length === 0 || (p.length > 1 && p.includes('none')))) return false;
        const s = samplerFromEnv(env);
        if (s !== undefined && typeof s.shouldSample !== 'function') return false;
        const names = instrumentationNamesFromEnv(env);
        const routes = ignoreRoutesFromEnv(env);
        return names.every((n) => /^[a-z0-9][a-z0-9-]*$/.test(n)) && (routes === undefined || routes.every((r) => r.startsWith('/')));
      }),
  },
];
