/**
 * Transports never reject: a request that cannot even be built is a non-retryable outcome, and
 * the collector is not contacted. (Options from createExportPipeline are validated first; this is
 * the transport's own guarantee, for what validation does not foresee.)
 */
import { describe, expect, it } from 'vitest';
import { resolveExportOptions } from '../../src/export/exportPipelineOptions.js';
import { createGrpcTransport } from '../../src/export/grpcTransport.js';
import { createHttpTransport } from '../../src/export/httpTransport.js';
import { afterSetup } from '../../src/export/transport.js';
import { startOtlpHttpServer } from '../helpers/otlpHttpServer.js';
import { startOtlpServer } from '../helpers/otlpServer.js';
import { sleep, track } from './pipelineHarness.js';

describe('transport outcomes', () => {
  it('turns a send that throws into a non-retryable outcome without its message', async () => {
    const out = await afterSetup(Promise.resolve(1), () => {
      throw Object.assign(new Error('Invalid character in header content ["api-key"] s3cr3t'), { code: 'ERR_INVALID_CHAR' });
    });
    expect(out).toMatchObject({ ok: false, retryable: false, failure: 'request_error' });
    expect(out.ok === false && out.message).toContain('ERR_INVALID_CHAR');
    expect(JSON.stringify(out)).not.toContain('s3cr3t');
  });

  it('answers an HTTP request node:http refuses to build (a header it cannot carry) with an outcome', async () => {
    const server = track(await startOtlpHttpServer());
    // Bypasses validateExportOptions on purpose: the transport must hold on its own.
    const transport = createHttpTransport(resolveExportOptions({ protocol: 'http/protobuf', endpoint: server.url, headers: { 'api-key': 's3cr3t\u20ac' } }));
    try {
      const out = await transport.send(new Uint8Array(8), 1000, new AbortController().signal);
      expect(out).toMatchObject({ ok: false, retryable: false, failure: 'request_error' });
      expect(JSON.stringify(out)).not.toContain('s3cr3t');
      expect(server.requests.length).toBe(0);
    } finally {
      await transport.close();
    }
  });

  // An abort that comes while the transport still sets up or compresses fires no event later:
  // shutdown abandons the batch (counted, or spooled), so it must not go out after all.
  it.each([
    ['grpc, during setup', async () => {
      const server = track(await startOtlpServer());
      return { server, transport: createGrpcTransport(resolveExportOptions({ endpoint: server.url })) };
    }],
    ['http/protobuf with gzip, while compressing', async () => {
      const server = track(await startOtlpHttpServer());
      const transport = createHttpTransport(resolveExportOptions({ protocol: 'http/protobuf', endpoint: server.url, compression: 'gzip' }));
      await sleep(50); // set up: the abort lands during gzip
      return { server, transport };
    }],
  ] as const)('does not send a request aborted before it started (%s)', async (_case, start) => {
    const { server, transport } = await start();
    try {
      const ac = new AbortController();
      const out = transport.send(new Uint8Array(64 * 1024), 5000, ac.signal);
      ac.abort();
      expect(await out).toMatchObject({ ok: false, failure: 'aborted' });
      await sleep(200);
      expect(server.requests.length).toBe(0);
    } finally {
      await transport.close();
    }
  });
});
