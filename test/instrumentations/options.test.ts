import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { defaultInstrumentations, initTracing, InvalidConfigError, setHttpRoute, type Tracing } from '../../src/index.js';
import { resolveConfig } from '../../src/config.js';
import { resetEnvWarnings } from '../../src/env.js';
import { instrumentationsByName } from '../../src/instrumentations/instrumentationsByName.js';
import { startOtlpServer, type OtlpServer } from '../helpers/otlpServer.js';
import { startApp, type LoopbackApp } from './loopbackApp.js';

let collector: OtlpServer;
let app: LoopbackApp;
let tracing: Tracing | undefined;

beforeAll(async () => {
  collector = await startOtlpServer();
  app = await startApp((req, res) => {
    if (req.url?.startsWith('/orders/')) setHttpRoute('/orders/:id');
    res.end('ok');
  });
});
afterAll(async () => {
  await app.close();
  await collector.stop();
});
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  collector.clear();
});

const get = (path: string) => fetch(`${app.url}${path}`).then((r) => r.text());

describe('instrumentations and ignoreRoutes options', () => {
  it('rejects what is not an instrumentation list or a route list, naming the option', () => {
    const bad: [object, string][] = [
      [{ instrumentations: [{}] }, 'instrumentations'],
      [{ instrumentations: true }, 'instrumentations'],
      [{ instrumentations: new HttpInstrumentation({ enabled: false }) }, 'instrumentations'],
      [{ ignoreRoutes: ['health'] }, 'ignoreRoutes'],
      [{ ignoreRoutes: '/health' }, 'ignoreRoutes'],
      [{ ignoreRoutes: [42] }, 'ignoreRoutes'],
    ];
    for (const [config, option] of bad) {
      let err: unknown;
      try {
        resolveConfig(config, {});
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(config)).toBeInstanceOf(InvalidConfigError);
      expect((err as InvalidConfigError).option).toBe(option);
    }
  });

  it('resolves code over environment over default', () => {
    expect(resolveConfig({}, {}).ignoreRoutes).toEqual(['/health', '/healthz', '/ready', '/metrics']);
    expect(resolveConfig({}, { TRACEWISE_IGNORE_ROUTES: 'none' }).ignoreRoutes).toEqual([]);
    expect(resolveConfig({ ignoreRoutes: ['/x'] }, { TRACEWISE_IGNORE_ROUTES: '/y' }).ignoreRoutes).toEqual(['/x']);
    expect(resolveConfig({}, {}).instrumentationNames).toEqual(['http', 'undici']);
    expect(
      resolveConfig({}, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http, @opentelemetry/instrumentation-express,pg', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pg' })
        .instrumentationNames,
    ).toEqual(['http', 'express']);
    expect(resolveConfig({ instrumentations: false }, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http' }).instrumentations).toBe(false);
  });

  it('reports bad environment entries once and keeps the good ones', () => {
    resetEnvWarnings();
    const warnings: string[] = [];
    diag.setLogger({ warn: (m: string) => warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
    try {
      expect(resolveConfig({}, { TRACEWISE_IGNORE_ROUTES: '/ok,bad' }).ignoreRoutes).toEqual(['/ok']);
      expect(resolveConfig({}, { TRACEWISE_IGNORE_ROUTES: '/ok,bad' }).ignoreRoutes).toEqual(['/ok']);
      const built = instrumentationsByName(['http', 'express', 'no-such-thing', 'also-missing']);
      expect(built.map((i) => i.instrumentationName)).toEqual(['tracewise/http-server', '@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-express']);
      for (const i of built) i.disable();
    } finally {
      diag.disable();
    }
    expect(warnings.filter((w) => w.includes('TRACEWISE_IGNORE_ROUTES'))).toHaveLength(1);
    const missing = warnings.filter((w) => w.includes('OTEL_NODE_ENABLED_INSTRUMENTATIONS'));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toContain('@opentelemetry/instrumentation-no-such-thing, @opentelemetry/instrumentation-also-missing');
  });

  it('applies ignoreRoutes to an HTTP instrumentation the application built, keeping its own hook', async () => {
    const own = new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/own-skip' });
    tracing = initTracing({ endpoint: collector.url, flushOnExit: false, logLevel: 'none', exportInterval: 50, instrumentations: [own] }, {});
    for (const p of ['/own-skip', '/health', '/orders/17']) await get(p);
    await tracing.forceFlush();
    const spans = await collector.waitForSpans(1);
    // fetch is not instrumented here (no undici instrumentation given): only the one server span
    expect(spans).toHaveLength(1);
    expect(spans[0].name).toBe('GET /orders/:id');
    expect(spans[0].attributes['http.route']).toBe('/orders/:id');
    expect(setHttpRoute('/outside')).toBe(false);
  });

  it('an instrumentation-http the application adds to the default set replaces the default HTTP pair, with its own options', async () => {
    const own = new HttpInstrumentation({ headersToSpanAttributes: { server: { requestHeaders: ['x-tenant'] } } });
    tracing = initTracing(
      { endpoint: collector.url, flushOnExit: false, logLevel: 'none', exportInterval: 50, instrumentations: [...defaultInstrumentations(), own] },
      {},
    );
    await new Promise<void>((resolve, reject) => {
      http.get(`${app.url}/orders/3`, { headers: { 'x-tenant': 'acme' } }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    await tracing.forceFlush();
    const spans = await collector.waitForSpans(2);
    await new Promise((r) => setTimeout(r, 100));
    await tracing.forceFlush();
    // one SERVER and one CLIENT span, both from the application's instance: no duplicate, no lost options
    expect(collector.spans.map((s) => [s.kind, s.scope]).sort()).toEqual([
      [2, '@opentelemetry/instrumentation-http'],
      [3, '@opentelemetry/instrumentation-http'],
    ]);
    expect(spans.find((s) => s.kind === 2)!.attributes['http.request.header.x-tenant']).toEqual(['acme']);
  });

  it('OTEL_SDK_DISABLED: no spans, and instrumentations the application built are switched off', async () => {
    const own = new HttpInstrumentation();
    expect(own.isEnabled()).toBe(true); // constructing one enables it (it patches on require)
    tracing = initTracing({ flushOnExit: false, logLevel: 'none', instrumentations: [own] }, { OTEL_SDK_DISABLED: 'true' });
    expect(tracing.enabled).toBe(false);
    expect(own.isEnabled()).toBe(false);
    expect(http.get.name).toBe('get');
  });
});
