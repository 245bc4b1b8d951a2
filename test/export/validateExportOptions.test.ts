/** Options given in code: clear InvalidConfigErrors for what cannot work, nothing for what can. */
import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../src/errors.js';
import { createExportPipeline, validateExportOptions, type ExportPipelineOptions } from '../../src/export/index.js';

const rejects = (options: ExportPipelineOptions, option: string) => {
  let err: unknown;
  try {
    validateExportOptions(options);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidConfigError);
  expect((err as InvalidConfigError).option).toBe(option);
  return (err as Error).message;
};

describe('validateExportOptions', () => {
  it('accepts the defaults and sensible settings', () => {
    for (const o of [
      {},
      { protocol: 'grpc', endpoint: 'collector:4317', insecure: true },
      { protocol: 'grpc', endpoint: '[::1]:4317' },
      { protocol: 'http/protobuf', endpoint: 'https://c.example/v1/traces', compression: 'gzip' },
      { certificate: '/ca.pem', clientKey: Buffer.from('k'), clientCertificate: '/c.pem' },
      { exportBatchSize: 1, exportInterval: 1, maxConcurrentExports: 1, maxBufferBytes: 1024, retry: { maxServerDelay: 0 } },
      { spoolDirectory: '/var/spool/app', maxSpoolBytes: 1 << 30, observer: { onDropped() {} } },
    ] as ExportPipelineOptions[]) {
      expect(() => validateExportOptions(o)).not.toThrow();
    }
  });

  it('names the option and how to fix it', () => {
    expect(rejects({ protocol: 'http/json' as never }, 'protocol')).toMatch(/grpc.*http\/protobuf/);
    rejects({ endpoint: 'ftp://c:21' }, 'endpoint');
    rejects({ endpoint: 'collector' }, 'endpoint');
    rejects({ protocol: 'http/protobuf', endpoint: 'collector:4318' }, 'endpoint');
    rejects({ compression: 'br' as never }, 'compression');
    rejects({ exportBatchSize: 0 }, 'exportBatchSize');
    rejects({ exportBatchSize: 1.5 }, 'exportBatchSize');
    rejects({ exportInterval: Number.NaN }, 'exportInterval');
    rejects({ exportTimeout: -1 }, 'exportTimeout');
    rejects({ maxConcurrentExports: 0 }, 'maxConcurrentExports');
    rejects({ maxBufferBytes: 10 }, 'maxBufferBytes');
    rejects({ flushTimeout: 0 }, 'flushTimeout');
    rejects({ spoolDirectory: ' ' }, 'spoolDirectory');
    rejects({ retry: { multiplier: 0.5 } }, 'retry.multiplier');
    rejects({ clientKey: '/k.pem' }, 'clientCertificate');
    rejects({ certificate: '' }, 'certificate');
    rejects({ observer: { onDropped: 3 as never } }, 'observer.onDropped');
    rejects({ insecure: 'yes' as never }, 'insecure');
  });

  it('never echoes header values', () => {
    const message = rejects({ headers: { authorization: 'Bearer s3cr3t\n' } }, 'headers');
    expect(message).not.toContain('s3cr3t');
    rejects({ headers: { 'bad name': 'x' } }, 'headers');
  });

  it('rejects header values the protocol cannot carry (node:http would throw at the first export)', () => {
    for (const value of ['price-\u20ac-s3cr3t', 'ctl-\u0001-s3cr3t']) {
      for (const protocol of ['grpc', 'http/protobuf'] as const) {
        const message = rejects({ protocol, headers: { 'api-key': value } }, 'headers');
        expect(message).toContain(protocol);
        expect(message).not.toContain('s3cr3t');
      }
    }
    // gRPC metadata is printable ASCII; HTTP also takes tab and U+0080–U+00FF, as node:http does.
    for (const value of ['a\tb', 'caf\u00e9']) {
      rejects({ protocol: 'grpc', headers: { 'x-h': value } }, 'headers');
      expect(() => validateExportOptions({ protocol: 'http/protobuf', headers: { 'x-h': value } })).not.toThrow();
    }
    expect(() => validateExportOptions({ headers: { authorization: 'Bearer abc.DEF~_-+/=', 'X-Tenant': 'acme' } })).not.toThrow();
  });

  it('rejects header names gRPC metadata cannot carry, which HTTP can', () => {
    for (const name of ['x!tenant', 'x-token-bin']) {
      rejects({ protocol: 'grpc', headers: { [name]: 'v' } }, 'headers');
      expect(() => validateExportOptions({ protocol: 'http/protobuf', headers: { [name]: 'v' } })).not.toThrow();
    }
  });

  it('never echoes the credentials or query of a malformed endpoint', () => {
    for (const endpoint of [
      'http://user:s3cr3t@[bad',
      'user:s3cr3t@collector',
      'http://[bad?token=s3cr3t',
      'http://u:s3cr3t@x@[x',
      'http://[bad?email=a@b.c&token=s3cr3t',
      'http://[bad#access_token=s3cr3t',
      'http://u:s3cr3t@[bad?k=s3cr3t@x',
    ]) {
      const message = rejects({ endpoint }, 'endpoint');
      expect(message).not.toContain('s3cr3t');
    }
    // What is not secret is still shown, to say what is wrong.
    expect(rejects({ endpoint: 'http://user:s3cr3t@[bad' }, 'endpoint')).toContain('"http://***@[bad"');
    expect(rejects({ endpoint: 'http://[bad?t=1' }, 'endpoint')).toContain('"http://[bad?***"');
  });

  it('is applied by createExportPipeline', () => {
    expect(() => createExportPipeline({ exportBatchSize: -1 })).toThrow(InvalidConfigError);
  });
});
