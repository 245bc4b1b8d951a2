/** TLS and mTLS against real loopback receivers with throwaway certificates. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpHttpServer } from '../helpers/otlpHttpServer.js';
import { startOtlpServer } from '../helpers/otlpServer.js';
import { track, traced, waitFor } from './pipelineHarness.js';
import { makeTlsFiles, type TlsFiles } from './tlsFixtures.js';

let tls: TlsFiles;
beforeAll(async () => {
  tls = await makeTlsFiles();
});
afterAll(() => tls?.remove());

describe('TLS', () => {
  it('gRPC over TLS with a CA file (https:// endpoint)', async () => {
    const server = track(await startOtlpServer({ tls: { key: tls.serverKey, cert: tls.serverCert } }));
    const { emit } = traced({ endpoint: server.url, certificate: tls.paths.ca });
    emit(20);
    await server.waitForSpans(20);
  });

  it('gRPC mTLS with key and certificate files; an endpoint without scheme means TLS', async () => {
    const server = track(await startOtlpServer({ tls: { key: tls.serverKey, cert: tls.serverCert, ca: tls.ca } }));
    const { emit } = traced({
      endpoint: `127.0.0.1:${server.port}`,
      certificate: tls.paths.ca,
      clientKey: tls.paths.clientKey,
      clientCertificate: tls.paths.clientCert,
    });
    emit(20);
    await server.waitForSpans(20);
  });

  it('http/protobuf mTLS with PEM bytes given in code', async () => {
    const server = track(await startOtlpHttpServer({ tls: { key: tls.serverKey, cert: tls.serverCert, ca: tls.ca } }));
    const { emit } = traced({
      protocol: 'http/protobuf',
      endpoint: server.url,
      certificate: tls.ca,
      clientKey: tls.clientKey,
      clientCertificate: tls.clientCert,
    });
    emit(20);
    await server.waitForSpans(20);
  });

  it('an unreadable certificate file fails the exports (counted), it does not crash', async () => {
    const server = track(await startOtlpServer({ tls: { key: tls.serverKey, cert: tls.serverCert } }));
    const failures: string[] = [];
    const { pipeline, emit } = traced({
      endpoint: server.url,
      certificate: `${tls.dir}/missing.pem`,
      observer: { onFailed: (_n, failure) => failures.push(failure) },
    });
    emit(10);
    await waitFor(() => pipeline.stats().dropped.non_retryable === 10);
    expect(failures).toEqual(['config']);
    expect(server.requests).toHaveLength(0);
  });
});
