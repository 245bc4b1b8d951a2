/**
 * `npx tsx examples/grpc/index.ts`: a gRPC server and a client in two processes, both preloaded
 * with instrumentation.ts. The client's calls carry the trace context in gRPC metadata; the
 * traces are printed from a loopback OTLP receiver (or sent to OTEL_EXPORTER_OTLP_ENDPOINT).
 */
import { once } from 'node:events';
import { printTraces, runIfMain, startReceiver, startService, stopAll, type ReceivedSpan, type Service } from '../shared/services.js';

const here = (f: string) => new URL(f, import.meta.url).href;

export async function main({ log = console.log }: { log?: (line: string) => void } = {}): Promise<ReceivedSpan[]> {
  const receiver = await startReceiver();
  const preload = [here('./instrumentation.ts')];
  const services: Service[] = [];
  try {
    const server = await startService('pricing', here('./server.ts'), receiver.endpoint, { preload });
    services.push(server);
    const client = await startService('storefront', here('./client.ts'), receiver.endpoint, { preload, args: [`127.0.0.1:${server.port}`] });
    services.push(client);
    // the client exits by itself once done; tracewise flushes on its way out (beforeExit)
    if (client.child.exitCode === null) await once(client.child, 'exit');
    for (const line of client.output.slice(1)) log(line);
    await stopAll(services);
    printTraces(receiver, log);
    return receiver.server?.spans ?? [];
  } finally {
    await stopAll(services);
    await receiver.stop();
  }
}

runIfMain(import.meta.url, main);
