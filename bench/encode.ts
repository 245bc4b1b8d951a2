/**
 * OTLP protobuf encoding of ended spans: tracewise's serializeSpans() next to the official
 * `ProtobufTraceSerializer.serializeRequest()` (both produce the same bytes), per span, in
 * batches of 512 HTTP server spans recorded by the SDK (10 attributes each, as
 * src/instrumentations/httpServer records them). Why it matters: encoding is the largest part
 * of what a sampled span costs after it ends (src/export/serializeSpans.ts).
 */
import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { serializeSpans } from '../src/export/serializeSpans.js';
import { measure, report, type BenchResult } from './harness.js';

const BATCH = 512;

export async function runEncodeBench(): Promise<BenchResult[]> {
  const spans: ReadableSpan[] = [];
  const keep: SpanProcessor = { onStart() {}, onEnd: (s) => void spans.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  const resource = resourceFromAttributes({ 'service.name': 'bench', 'host.name': 'bench-host', 'process.pid': 1234, 'telemetry.sdk.language': 'nodejs' });
  const tracer = new BasicTracerProvider({ spanProcessors: [keep], resource }).getTracer('tracewise/http-server', '0.1.0');
  for (let i = 0; i < 8 * BATCH; i++) {
    const s = tracer.startSpan('GET', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'url.path': `/orders/${i}`, 'url.scheme': 'http', 'server.address': 'localhost', 'server.port': 8080 },
    });
    s.setAttributes({ 'network.protocol.version': '1.1', 'http.response.status_code': 200, 'http.route': '/orders/:id', 'client.address': '127.0.0.1', 'user_agent.original': 'autocannon' });
    s.updateName('GET /orders/:id');
    s.end();
  }
  const batches = Array.from({ length: 8 }, (_, i) => spans.slice(i * BATCH, (i + 1) * BATCH));
  let sink = 0;
  // One op = one batch; reported per span.
  const opts = { iterations: 20, rounds: 15, warmup: 40 };
  const perSpan = (r: BenchResult): BenchResult => ({ name: r.name, nsPerOp: r.nsPerOp / BATCH });
  const results = [
    perSpan(measure('official ProtobufTraceSerializer', (i) => (sink += ProtobufTraceSerializer.serializeRequest(batches[i & 7])!.length), opts)),
    perSpan(measure('tracewise serializeSpans', (i) => (sink += serializeSpans(batches[i & 7]).length), opts)),
  ];
  report(`OTLP encoding (ns/span, batches of ${BATCH} HTTP server spans, 10 attributes)`, results, 'official ProtobufTraceSerializer');
  void sink;
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runEncodeBench();
}
