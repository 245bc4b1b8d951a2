import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { request as namedRequest } from 'node:http';
import { initTracing, type Tracing } from '../../src/index.js';
import { startOtlpServer, type OtlpServer, type ReceivedSpan } from '../helpers/otlpServer.js';
import { startApp, type LoopbackApp } from './loopbackApp.js';

/**
 * The default set on real loopback servers: an ESM module (this file) that imported node:http
 * before initTracing() still gets server and client spans, fetch gets client spans, health
 * routes are skipped, and shutdown() takes the patches off again.
 */
let collector: OtlpServer;
let app: LoopbackApp;
let appUrl: string;
let tracing: Tracing | undefined;

beforeAll(async () => {
  collector = await startOtlpServer();
  app = await startApp((req, res) => {
    if (req.url?.startsWith('/proxy')) {
      // an outgoing call inside the handler: its client span must be a child of the server span
      http.get(`${appUrl}/leaf`, (r) => {
        r.resume();
        r.on('end', () => res.end('proxied'));
      });
      return;
    }
    res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('ok');
  });
  appUrl = app.url;
});
afterAll(async () => {
  await tracing?.shutdown();
  await app.close();
  await collector.stop();
});
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  collector.clear();
});

function init(extra: Parameters<typeof initTracing>[0] = {}, env: Record<string, string> = {}): Tracing {
  tracing = initTracing({ serviceName: 'web', endpoint: collector.url, flushOnExit: false, logLevel: 'none', exportInterval: 50, ...extra }, env);
  return tracing;
}

function get(url: string, useNamedImport = false): Promise<number> {
  const req = useNamedImport ? namedRequest : http.request;
  return new Promise((resolve, reject) => {
    req(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

const only = (spans: ReceivedSpan[], kind: number, path: string) => {
  const found = spans.filter((s) => s.kind === kind && String(s.attributes['url.path'] ?? s.attributes['url.full']).includes(path));
  expect(found, `${kind} ${path} among ${spans.map((s) => `${s.kind}:${s.name}`).join(', ')}`).toHaveLength(1);
  return found[0];
};
const SERVER = 2;
const CLIENT = 3;

describe('the default instrumentations (HTTP in and out, fetch)', () => {
  it('traces node:http in and out with parent links and HTTP attributes, also through named ESM imports', async () => {
    const t = init();
    expect(await get(`${appUrl}/proxy?x=1`)).toBe(200);
    expect(await get(`${appUrl}/missing`, true)).toBe(404);
    await t.forceFlush();
    const spans = await collector.waitForSpans(6);
    const outerClient = spans.find((s) => s.kind === CLIENT && String(s.attributes['url.full']).endsWith('/proxy?x=1'))!;
    expect(outerClient).toBeDefined();
    expect(outerClient.name).toBe('GET');
    expect(outerClient.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    const proxyServer = only(spans, SERVER, '/proxy');
    expect(proxyServer.parentSpanId).toBe(outerClient.spanId);
    expect(proxyServer.traceId).toBe(outerClient.traceId);
    expect(proxyServer.attributes).toMatchObject({ 'url.path': '/proxy', 'url.query': 'x=1', 'http.response.status_code': 200 });
    const innerClient = spans.find((s) => s.kind === CLIENT && String(s.attributes['url.full']).endsWith('/leaf'))!;
    expect(innerClient.parentSpanId).toBe(proxyServer.spanId);
    const leaf = only(spans, SERVER, '/leaf');
    expect(leaf.parentSpanId).toBe(innerClient.spanId);
    expect(new Set([outerClient, proxyServer, innerClient, leaf].map((s) => s.traceId)).size).toBe(1);

    const missing = only(spans, SERVER, '/missing');
    expect(missing.attributes['http.response.status_code']).toBe(404);
    expect(missing.status.code).toBe(0); // a 4xx is the client's error, not the server's
    // SERVER spans from tracewise's own instrumentation, CLIENT spans from instrumentation-http
    expect(spans.filter((s) => s.kind === SERVER).every((s) => s.scope === 'tracewise/http-server')).toBe(true);
    expect(spans.filter((s) => s.kind === CLIENT).every((s) => s.scope === '@opentelemetry/instrumentation-http')).toBe(true);
    expect(spans.every((s) => typeof s.attributes['tracewise.sampler'] === 'string')).toBe(true);
  });

  it('traces fetch (undici) as a client span the server span is parented to', async () => {
    const t = init();
    const res = await fetch(`${appUrl}/fetched`);
    expect(await res.text()).toBe('ok');
    await t.forceFlush();
    const spans = await collector.waitForSpans(2);
    const client = spans.find((s) => s.scope === '@opentelemetry/instrumentation-undici')!;
    expect(client.kind).toBe(CLIENT);
    expect(client.attributes).toMatchObject({ 'url.full': `${appUrl}/fetched`, 'http.request.method': 'GET', 'http.response.status_code': 200 });
    expect(only(spans, SERVER, '/fetched').parentSpanId).toBe(client.spanId);
  });

  it('skips /health, /healthz, /ready and /metrics (and what they call) by default, with or without query or trailing slash', async () => {
    const t = init();
    for (const p of ['/health', '/healthz?full=1', '/ready/', '/metrics']) expect(await fetch(`${appUrl}${p}`).then((r) => r.status)).toBe(200);
    await get(`${appUrl}/proxy`); // 4 spans: client, server, client, server
    await get(`${appUrl}/healthcheck`); // not an exact match: traced (2 spans)
    await t.forceFlush();
    await collector.waitForSpans(6);
    const servers = collector.spans.filter((s) => s.kind === SERVER).map((s) => s.attributes['url.path']).sort();
    expect(servers).toEqual(['/healthcheck', '/leaf', '/proxy']);
  });

  it('ignoreRoutes replaces the list (strings and RegExps); TRACEWISE_IGNORE_ROUTES does from the environment', async () => {
    let t = init({ ignoreRoutes: ['/leaf', /^\/internal\//] });
    await get(`${appUrl}/internal/x`);
    await get(`${appUrl}/leaf`);
    await get(`${appUrl}/health`);
    await t.forceFlush();
    await collector.waitForSpans(4);
    expect(collector.spans.filter((s) => s.kind === SERVER).map((s) => s.attributes['url.path'])).toEqual(['/health']);
    await t.shutdown();
    collector.clear();

    t = init({}, { TRACEWISE_IGNORE_ROUTES: '/leaf, /ready' });
    await get(`${appUrl}/leaf`);
    await get(`${appUrl}/health`);
    await t.forceFlush();
    await collector.waitForSpans(3);
    expect(collector.spans.filter((s) => s.kind === SERVER).map((s) => s.attributes['url.path'])).toEqual(['/health']);
  });

  it('instrumentations: false registers none', async () => {
    const t = init({ instrumentations: false });
    await get(`${appUrl}/leaf`);
    t.instrumentation.startSpan('marker').end();
    await t.forceFlush();
    await collector.waitForSpans(1);
    expect(collector.spans.map((s) => s.name)).toEqual(['marker']);
  });

  it('OTEL_NODE_DISABLED_INSTRUMENTATIONS removes one from the default set', async () => {
    const t = init({}, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici' });
    await fetch(`${appUrl}/leaf`).then((r) => r.text());
    await t.forceFlush();
    await collector.waitForSpans(1);
    expect(collector.spans.map((s) => [s.scope, s.kind])).toEqual([['tracewise/http-server', SERVER]]);
  });

  it('shutdown() takes the patches off, and a later initTracing() puts them back', async () => {
    const t = init();
    expect(http.get.name).not.toBe('get');
    expect(namedRequest).toBe(http.request); // the named ESM binding follows the patch
    await t.shutdown();
    tracing = undefined;
    expect(http.get.name).toBe('get');
    expect(http.request.name).toBe('request');
    expect(namedRequest.name).toBe('request');
    const again = init();
    await get(`${appUrl}/leaf`);
    await again.forceFlush();
    const spans = await collector.waitForSpans(2);
    expect(spans.map((s) => s.kind).sort()).toEqual([SERVER, CLIENT]);
  });
});
