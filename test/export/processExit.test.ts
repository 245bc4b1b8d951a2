/**
 * Timers are unref'd: a process whose collector is down, with spans buffered and a retry pending,
 * still exits when the application is done (it does not hang on the exporter).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const src = fileURLToPath(new URL('../../src/export/index.ts', import.meta.url));

const script = (protocol: string) => `
  import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
  import { createExportPipeline } from ${JSON.stringify(src)};
  const pipeline = createExportPipeline({ protocol: ${JSON.stringify(protocol)}, endpoint: ${JSON.stringify(
    protocol === 'grpc' ? 'http://127.0.0.1:1' : 'http://127.0.0.1:1/v1/traces',
  )}, exportInterval: 10 });
  const tracer = new BasicTracerProvider({ spanProcessors: [pipeline] }).getTracer('t');
  for (let i = 0; i < 2000; i++) tracer.startSpan('s').end();
  await new Promise((r) => setTimeout(r, 300));
  const s = pipeline.stats();
  if (s.failedRequests === 0 || s.bufferedSpans === 0) throw new Error('expected a failing, buffering pipeline');
  console.log('done');
`;

describe('process exit', () => {
  it.each(['grpc', 'http/protobuf'])('is not held open by a %s pipeline that is backing off', async (protocol) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(protocol)], {
      timeout: 15_000,
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    expect(stdout.trim()).toBe('done');
  });
});
