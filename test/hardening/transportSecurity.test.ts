import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exporterOptionsFromEnv } from '../../src/export/exporterOptionsFromEnv.js';
import { startOtlpHttpServer } from '../helpers/otlpHttpServer.js';
import { startOtlpServer } from '../helpers/otlpServer.js';
import { sleep, track, traced, waitFor } from '../export/pipelineHarness.js';
import { makeTlsFiles, type TlsFiles } from '../export/tlsFixtures.js';

/**
 * TLS verification stays on for https:// endpoints (there is no option that turns it off; only
 * Node's own process-wide NODE_TLS_REJECT_UNAUTHORIZED=0 would), and the spool keeps spans
 * private on disk (directory 0700, files 0600, whatever the umask).
 */
let tls: TlsFiles;
beforeAll(async () => {
  tls = await makeTlsFiles();
});
afterAll(() => tls?.remove());

describe('TLS verification', () => {
  it('gRPC https:// refuses a certificate it cannot verify: nothing reaches the server', async () => {
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
    const server = track(await startOtlpServer({ tls: { key: tls.serverKey, cert: tls.serverCert } }));
    const url = `https://127.0.0.1:${server.port}`;
    // `insecure` (code or OTEL_EXPORTER_OTLP_INSECURE) only concerns scheme-less gRPC endpoints.
    const insecureFromEnv = exporterOptionsFromEnv({ OTEL_EXPORTER_OTLP_INSECURE: 'true' }).insecure;
    const pipelines = [undefined, true, insecureFromEnv].map((insecure) => traced({ endpoint: url, insecure, flushTimeout: 300 }));
    for (const p of pipelines) p.emit(5);
    await waitFor(() => pipelines.every((p) => p.pipeline.stats().failedRequests > 0), 15_000, 'failed requests');
    expect(server.requests).toHaveLength(0);
    // control: the same server with its CA configured
    const { emit } = traced({ endpoint: url, certificate: tls.paths.ca });
    emit(5);
    await server.waitForSpans(5);
  });

  it('http/protobuf https:// refuses a certificate it cannot verify: nothing reaches the server', async () => {
    const server = track(await startOtlpHttpServer({ tls: { key: tls.serverKey, cert: tls.serverCert } }));
    const { pipeline, emit } = traced({ protocol: 'http/protobuf', endpoint: server.url, insecure: true, flushTimeout: 300 });
    emit(5);
    await waitFor(() => pipeline.stats().failedRequests > 0, 10_000, 'a failed request');
    await sleep(50);
    expect(server.requests).toHaveLength(0);
    const ok = traced({ protocol: 'http/protobuf', endpoint: server.url, certificate: tls.ca });
    ok.emit(5);
    await server.waitForSpans(5);
  });
});

describe('spool permissions', () => {
  it('creates the directory 0700 and its files 0600 even with umask 000', async () => {
    const base = await mkdtemp(join(tmpdir(), 'tw-spool-perm-'));
    const spoolDirectory = join(base, 'a', 'spool');
    const previous = process.umask(0);
    try {
      const { provider, emit } = traced({ endpoint: 'http://127.0.0.1:9', spoolDirectory, exportBatchSize: 10 });
      emit(30);
      await provider.shutdown(); // the collector is unreachable: pending batches go to disk
      expect((await stat(spoolDirectory)).mode & 0o777).toBe(0o700);
      const files = await readdir(spoolDirectory);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect((await stat(join(spoolDirectory, f))).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
      await rm(base, { recursive: true, force: true });
    }
  });
});
