/**
 * `npx tsx examples/grpc/index.ts`: a gRPC server and a client in two processes, both preloaded
 * with instrumentation.ts. The client's calls carry the trace context in gRPC metadata; the
 * traces are printed from a loopback OTLP receiver (or sent to OTEL_EXPORTER_OTLP_ENDPOINT).
 */
import { once } from 'node:events';
import { runExample, runIfMain, type ReceivedSpan } from '../shared/services.js';

const here = (f: string) => new URL(f, import.meta.url).href;

export function main({ log = console.log }: { log?: (line: string) => void } = {}): Promise<ReceivedSpan[]> {
  return runExample(log, async ({ start }) => {
    const preload = [here('./instrumentation.ts')];
    const server = await start('pricing', here('./server.ts'), { preload });
    const client = await start('storefront', here('./client.ts'), { preload, args: [`127.0.0.1:${server.port}`] });
    // the client exits by itself once done; tracewise flushes on its way out (beforeExit)
    if (client.child.exitCode === null) await once(client.child, 'exit');
    for (const line of client.output.slice(1)) log(line);
  });
}

runIfMain(import.meta.url, main);
