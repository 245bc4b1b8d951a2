/** tracewise's pooled CSPRNG IDs next to the SDK's Math.random RandomIdGenerator. */
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import { FastIdGenerator } from '../src/ids/fastIdGenerator.js';
import { measure, report, type BenchResult } from './harness.js';

export async function runIdBench(): Promise<BenchResult[]> {
  const sdk = new RandomIdGenerator();
  const fast = new FastIdGenerator();
  let sink = '';
  const results = [
    measure('SDK RandomIdGenerator trace ID', () => (sink = sdk.generateTraceId())),
    measure('tracewise trace ID', () => (sink = fast.generateTraceId())),
    measure('SDK RandomIdGenerator span ID', () => (sink = sdk.generateSpanId())),
    measure('tracewise span ID', () => (sink = fast.generateSpanId())),
  ];
  report('ID generation (ns/op)', results, 'SDK RandomIdGenerator trace ID');
  void sink;
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runIdBench();
}
