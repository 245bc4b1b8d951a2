/** OTEL_EXPORTER_OTLP_* → options: precedence, per-spec endpoints, bad values warned once, no secrets. */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetEnvWarnings } from '../../src/env.js';
import { exporterOptionsFromEnv } from '../../src/export/index.js';

let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  resetEnvWarnings();
  const log = (m: string) => warnings.push(m);
  diag.setLogger({ error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
});
afterEach(() => diag.disable());

describe('exporterOptionsFromEnv', () => {
  it('returns nothing when nothing is set, so code and defaults decide', () => {
    expect(exporterOptionsFromEnv({})).toEqual({});
    expect(warnings).toEqual([]);
  });

  it('maps every variable, TRACES_ winning over the generic one', () => {
    const o = exporterOptionsFromEnv({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces:443/custom/path',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=3,c=hello%20world',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_INSECURE: 'false',
      OTEL_EXPORTER_OTLP_TRACES_INSECURE: 'true',
      OTEL_EXPORTER_OTLP_CERTIFICATE: '/generic/ca.pem',
      OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/traces/ca.pem',
      OTEL_EXPORTER_OTLP_CLIENT_KEY: '/k.pem',
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: '/c.pem',
      OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: '/tk.pem',
      OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: '/tc.pem',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '256',
      OTEL_BSP_SCHEDULE_DELAY: '2000',
    });
    expect(o).toEqual({
      protocol: 'http/protobuf',
      endpoint: 'https://traces:443/custom/path', // the TRACES_ endpoint is used as is
      headers: { a: '1', b: '3', c: 'hello world' },
      compression: 'gzip',
      exportTimeout: 2500,
      insecure: true,
      certificate: '/traces/ca.pem',
      clientKey: '/tk.pem',
      clientCertificate: '/tc.pem',
      exportBatchSize: 256,
      exportInterval: 2000,
    });
    expect(warnings).toEqual([]);
  });

  it('appends /v1/traces to the generic endpoint for http/protobuf only', () => {
    const http = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' };
    expect(exporterOptionsFromEnv({ ...http, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).endpoint).toBe('http://c:4318/v1/traces');
    expect(exporterOptionsFromEnv({ ...http, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/base/' }).endpoint).toBe('http://c:4318/base/v1/traces');
    expect(exporterOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' }).endpoint).toBe('http://c:4317');
    expect(exporterOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'c:4317' }).endpoint).toBe('c:4317');
    // The protocol chosen in code decides, when given.
    expect(exporterOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, { protocol: 'http/protobuf' }).endpoint).toBe(
      'http://c:4318/v1/traces',
    );
  });

  it('warns once per bad variable and falls back', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli',
      OTEL_EXPORTER_OTLP_TIMEOUT: '-3',
      OTEL_EXPORTER_OTLP_INSECURE: 'maybe',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x',
      OTEL_EXPORTER_OTLP_CLIENT_KEY: '/only-the-key.pem',
    };
    expect(exporterOptionsFromEnv(env)).toEqual({ insecure: false });
    expect(exporterOptionsFromEnv(env)).toEqual({ insecure: false });
    expect(warnings).toHaveLength(6);
    for (const name of Object.keys(env).map((k) => (k.endsWith('CLIENT_KEY') ? 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE' : k))) {
      expect(warnings.some((w) => w.includes(name))).toBe(true);
    }
  });

  it('never prints header values or endpoint credentials', () => {
    exporterOptionsFromEnv({
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr3t-token,broken,other=%zz-s3cr3t',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'gopher://user:s3cr3t@host',
    });
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.join('\n')).not.toContain('s3cr3t');
  });

  it('skips a header member whose decoded value the protocol cannot carry, and keeps the others', () => {
    const headers = 'api-key=s3cr3t%E2%82%AC,ctl=a%01b,tab=a%09b,latin=caf%C3%A9,tenant=acme';
    const grpc = exporterOptionsFromEnv({ OTEL_EXPORTER_OTLP_HEADERS: headers });
    expect(grpc.headers).toEqual({ tenant: 'acme' });
    expect(warnings.some((w) => w.includes('OTEL_EXPORTER_OTLP_HEADERS'))).toBe(true);
    const http = exporterOptionsFromEnv({ OTEL_EXPORTER_OTLP_HEADERS: headers, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    expect(http.headers).toEqual({ tab: 'a\tb', latin: 'caf\u00e9', tenant: 'acme' });
    expect(warnings.join('\n')).not.toContain('s3cr3t');
  });
});
