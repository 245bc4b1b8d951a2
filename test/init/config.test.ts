import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel, trace, type DiagLogger } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { initTracing, InvalidConfigError, isTracewiseError, type Tracing } from '../../src/index.js';
import { resolveConfig } from '../../src/config.js';
import { resetEnvWarnings } from '../../src/env.js';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  diag.disable();
  resetEnvWarnings();
});

function captureDiag(): string[] {
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  const logger: DiagLogger = { error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return lines;
}

describe('typed configuration errors', () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ samplingRate: 1.5 }, 'samplingRate'],
    [{ samplingRate: 'half' }, 'samplingRate'],
    [{ endpoint: 'not a url' }, 'endpoint'],
    [{ endpoint: 'ftp://collector:4317' }, 'endpoint'],
    [{ exportBatchSize: 0 }, 'exportBatchSize'],
    [{ export: { maxBuferBytes: 1 << 20 } }, 'maxBuferBytes'],
    [{ export: { retry: { maxBackof: 1000 } } }, 'retry.maxBackof'],
    [{ baggage: { alow: ['tenant'] } }, 'baggage.alow'],
    [{ export: { flushTimeout: 1000 } }, 'export.flushTimeout'],
    [{ exportInterval: -5 }, 'exportInterval'],
    [{ protocol: 'http/json' }, 'protocol'],
    [{ spoolDirectory: 42 }, 'spoolDirectory'],
    [{ export: 'fast' }, 'export'],
    [{ serviceName: '' }, 'serviceName'],
    [{ logLevel: 'loud' }, 'logLevel'],
    [{ propagators: ['tracecontext', 'jaeger'] }, 'propagators'],
    [{ sampler: {} }, 'sampler'],
    [{ headers: { 'x-key': 42 } }, 'headers'],
    [{ disabled: 'yes' }, 'disabled'],
    [{ servicename: 'typo' }, 'servicename'],
  ];
  for (const [config, option] of bad) {
    it(`rejects ${JSON.stringify(config)} naming \`${option}\``, () => {
      let err: unknown;
      try {
        tracing = initTracing(config as never, {}); // a bug: shut down by afterEach
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidConfigError);
      expect(isTracewiseError(err)).toBe(true);
      const e = err as InvalidConfigError;
      expect(e.code).toBe('TRACEWISE_INVALID_CONFIG');
      expect(e.option).toBe(option);
      expect(e.message).toContain(`\`${option}\``);
    });
  }

  it('never echoes header values in the error', () => {
    try {
      initTracing({ headers: { authorization: 'Bearer hunter2', n: 1 } } as never, {});
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});

describe('environment and precedence', () => {
  it('reads the standard variables when code is silent', () => {
    const c = resolveConfig({}, {
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_RESOURCE_ATTRIBUTES: 'team=core,region=eu%20west',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4317',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces:4317',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc,x-other=1',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100',
      OTEL_BSP_SCHEDULE_DELAY: '250',
      OTEL_SDK_DISABLED: 'true',
      OTEL_LOG_LEVEL: 'debug',
      OTEL_PROPAGATORS: 'b3, tracecontext,b3',
    });
    expect(c.serviceName).toBe('from-env');
    expect(c.resourceAttributes).toEqual({ team: 'core', region: 'eu west' });
    expect(c.export.options.endpoint).toBe('https://traces:4317');
    expect(c.export.options.headers).toEqual({ 'x-api-key': 'abc', 'x-other': '1' });
    expect(c.export.options.exportBatchSize).toBe(100);
    expect(c.export.options.exportInterval).toBe(250);
    expect(c.disabled).toBe(true);
    expect(c.logLevel).toBe('debug');
    expect(c.propagators).toEqual(['b3', 'tracecontext']);
  });

  it('code wins over the environment, which wins over defaults', () => {
    const env = { OTEL_SERVICE_NAME: 'env', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4317', OTEL_BSP_SCHEDULE_DELAY: '250', OTEL_RESOURCE_ATTRIBUTES: 'team=env,zone=a' };
    const c = resolveConfig({ serviceName: 'code', endpoint: 'http://code:4317', resourceAttributes: { team: 'code' } }, env);
    expect(c.serviceName).toBe('code');
    expect(c.export.options.endpoint).toBe('http://code:4317');
    expect(c.export.options.exportInterval).toBe(250);
    expect(c.resourceAttributes).toEqual({ team: 'code', zone: 'a' });
    const d = resolveConfig({}, {});
    expect(d.serviceName).toBe('unknown_service:node');
    expect(d.export.options.endpoint).toBe('http://localhost:4317');
    expect(d.export.options.exportInterval).toBe(5000);
    expect(d.export.options.exportTimeout).toBe(10_000);
    expect(d.export.options.protocol ?? 'grpc').toBe('grpc');
    // http/protobuf: the generic endpoint gets the signal path, the default is port 4318
    expect(resolveConfig({ protocol: 'http/protobuf' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).export.options.endpoint).toBe('http://c:4318/v1/traces');
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }).export.options.endpoint).toBe('http://localhost:4318/v1/traces');
    // Headers given in code are checked against the protocol in use, which the environment chose.
    const tab = { headers: { 'x-h': 'a\tb' } };
    expect(resolveConfig(tab, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }).export.options.headers).toEqual({ 'x-h': 'a\tb' });
    expect(() => resolveConfig(tab, {})).toThrow(InvalidConfigError);
    expect(d.propagators).toEqual(['tracecontext', 'baggage']);
    // OTEL_SERVICE_NAME beats service.name inside OTEL_RESOURCE_ATTRIBUTES (spec)
    expect(resolveConfig({}, { OTEL_SERVICE_NAME: 'a', OTEL_RESOURCE_ATTRIBUTES: 'service.name=b' }).serviceName).toBe('a');
  });

  it('a bad variable is reported once through diag, without secrets, and the default is used', () => {
    const lines = captureDiag();
    const env = {
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
      OTEL_SDK_DISABLED: 'maybe',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector:4317',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cr3t,brokenmember',
      OTEL_PROPAGATORS: 'tracecontext,xray',
    };
    const c1 = resolveConfig({}, env);
    resolveConfig({}, env);
    expect(c1.export.options.exportInterval).toBe(5000);
    expect(c1.disabled).toBe(false);
    expect(c1.export.options.endpoint).toBe('http://localhost:4317');
    expect(c1.export.options.headers).toEqual({ 'x-api-key': 's3cr3t' });
    expect(c1.propagators).toEqual(['tracecontext']);
    for (const name of ['OTEL_BSP_SCHEDULE_DELAY', 'OTEL_SDK_DISABLED', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_PROPAGATORS']) {
      expect(lines.filter((l) => l.includes(name)), name).toHaveLength(1);
    }
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });

  it('reports a bad OTEL_LOG_LEVEL through the logger initTracing installs, and uses warn', async () => {
    // In a process of its own: initTracing installs the console logger there, as in an application.
    const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    const script = `import { initTracing } from ${JSON.stringify(entry)}; initTracing({ flushOnExit: false });`;
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, OTEL_LOG_LEVEL: 'loud', OTEL_SDK_DISABLED: 'true' },
      timeout: 20_000,
    });
    expect(stderr.split('\n').filter((l) => l.includes('OTEL_LOG_LEVEL'))).toHaveLength(1);
  });
});

describe('lifecycle', () => {
  it('disabled mode is a no-op: nothing registered, spans non-recording, functions still run', async () => {
    tracing = initTracing({ disabled: true, logLevel: 'none' }, {});
    expect(tracing.enabled).toBe(false);
    const span = tracing.instrumentation.startSpan('x');
    expect(span.isRecording()).toBe(false);
    expect(tracing.instrumentation.withSpan('y', () => 3)).toBe(3);
    expect(tracing.registration).toEqual({ tracerProvider: false, contextManager: false, propagator: false });
    expect(trace.getTracer('t').startSpan('z').isRecording()).toBe(false);
    await tracing.forceFlush();
  });

  it('OTEL_SDK_DISABLED=true disables unless code says otherwise', async () => {
    tracing = initTracing({ logLevel: 'none' }, { OTEL_SDK_DISABLED: 'true' });
    expect(tracing.enabled).toBe(false);
    await tracing.shutdown();
    tracing = initTracing({ disabled: false, logLevel: 'none', flushOnExit: false, endpoint: 'http://127.0.0.1:9' }, { OTEL_SDK_DISABLED: 'true' });
    expect(tracing.enabled).toBe(true);
  });

  it('is idempotent: a second call returns the same instance', () => {
    tracing = initTracing({ logLevel: 'none', flushOnExit: false, endpoint: 'http://127.0.0.1:9' }, {});
    expect(initTracing({}, {})).toBe(tracing);
    expect(initTracing()).toBe(tracing);
  });

  it('says clearly when another tracer provider is already registered, and still records its own spans', async () => {
    const other = new BasicTracerProvider();
    expect(trace.setGlobalTracerProvider(other)).toBe(true);
    const lines = captureDiag();
    try {
      // no logLevel given: the application's own diag logger stays in place and gets the warning
      tracing = initTracing({ flushOnExit: false, endpoint: 'http://127.0.0.1:9' }, {});
      expect(tracing.registration.tracerProvider).toBe(false);
      expect(tracing.warnings.join(' ')).toMatch(/Another tracer provider is already registered/);
      expect(lines.join(' ')).toMatch(/Another tracer provider is already registered/);
      expect(tracing.instrumentation.startSpan('mine').isRecording()).toBe(true);
    } finally {
      await tracing?.shutdown();
      tracing = undefined;
      trace.disable();
    }
  });

  it('installs exit hooks by default and removes them on shutdown', async () => {
    const before = process.listenerCount('SIGTERM');
    tracing = initTracing({ logLevel: 'none', endpoint: 'http://127.0.0.1:9' }, {});
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    expect(process.listenerCount('beforeExit')).toBeGreaterThan(0);
    await tracing.shutdown();
    tracing = undefined;
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
