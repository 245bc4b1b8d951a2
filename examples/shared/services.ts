/**
 * What every example's `index.ts` does around the traced services: start a loopback OTLP receiver
 * (unless OTEL_EXPORTER_OTLP_ENDPOINT points elsewhere), start each service as its own process
 * the way it would run in production, stop them with SIGTERM (tracewise flushes on it), and print
 * what arrived. The example processes themselves do not trace: only the services do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startOtlpServer, type OtlpServer, type ReceivedSpan } from '../../test/helpers/otlpServer.js';
import { waterfall } from '../demo/waterfall.js';

export type { ReceivedSpan };

export interface Receiver {
  /** Where the services export to. */
  readonly endpoint: string;
  /** The loopback receiver, or undefined when exporting to OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly server: OtlpServer | undefined;
  stop(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const external = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (external) return { endpoint: external, server: undefined, stop: async () => {} };
  const server = await startOtlpServer();
  return { endpoint: server.url, server, stop: () => server.stop() };
}

export interface Service {
  readonly name: string;
  /** `http://127.0.0.1:<port>` from the service's `ready <port>` line (empty without a port). */
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Lines the service printed on stdout after `ready`. */
  readonly output: string[];
  /** Resolves when the service prints a line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  /** SIGTERM (tracewise flushes, then the process exits) and wait for the exit. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Scripts loaded with --import before the service (e.g. its instrumentation file). */
  preload?: string[];
  args?: string[];
  env?: Record<string, string>;
}

/**
 * Starts `node --import tsx [--import <preload>...] <script> [args]` with OTEL_SERVICE_NAME and
 * OTEL_EXPORTER_OTLP_ENDPOINT set, and waits for its `ready [<port>]` line.
 */
export async function startService(name: string, script: string, endpoint: string, opts: ServiceOptions = {}): Promise<Service> {
  const imports = ['tsx', ...(opts.preload ?? []).map(toPath)].flatMap((p) => ['--import', p]);
  const child = spawn(process.execPath, [...imports, toPath(script), ...(opts.args ?? [])], {
    env: { ...process.env, OTEL_SERVICE_NAME: name, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200', ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const output: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      output.push(line);
      for (const w of waiters) {
        if (w.pattern.test(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    }
  });
  const exited = once(child, 'exit');
  const waitFor = (pattern: RegExp) => {
    const seen = output.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      waiters.add({ pattern, resolve });
      void exited.then(([code]) => reject(new Error(`${name} exited (${code}) before printing ${pattern}`)));
    });
  };
  const ready = await waitFor(/^ready\b/);
  const port = Number(/^ready (\d+)/.exec(ready)?.[1] ?? 0);
  return {
    name,
    url: port ? `http://127.0.0.1:${port}` : '',
    port,
    child,
    output,
    waitFor,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Stops services (in parallel) even when a step of the example failed. */
export async function stopAll(services: (Service | undefined)[]): Promise<void> {
  await Promise.all(services.map((s) => s?.stop()));
}

/** Prints each trace as a waterfall; a note instead when spans went to an external collector. */
export function printTraces(receiver: Receiver, log: (line: string) => void = console.log): void {
  if (!receiver.server) {
    log(`Spans were sent to ${receiver.endpoint}.`);
    return;
  }
  const traces = new Map<string, ReceivedSpan[]>();
  for (const s of receiver.server.spans) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
  log(`\nReceived ${receiver.server.spans.length} spans in ${traces.size} traces:\n`);
  for (const [traceId, spans] of traces) {
    log(`trace ${traceId}`);
    log(waterfall(spans));
    log('');
  }
}

export interface ExampleContext {
  /** Where the services export to. */
  readonly endpoint: string;
  /** Starts a service (see startService); it is stopped, and its spans flushed, before printing. */
  start(name: string, script: string, opts?: ServiceOptions): Promise<Service>;
  log(line: string): void;
}

/**
 * The frame of every example: a receiver, the services `body` starts, then SIGTERM to all of
 * them (each flushes its spans), the traces printed, and the received spans returned (empty when
 * exporting to OTEL_EXPORTER_OTLP_ENDPOINT). Everything is stopped even when `body` fails.
 */
export async function runExample(log: (line: string) => void, body: (ctx: ExampleContext) => Promise<void>): Promise<ReceivedSpan[]> {
  const receiver = await startReceiver();
  const services: Service[] = [];
  try {
    await body({
      endpoint: receiver.endpoint,
      log,
      async start(name, script, opts) {
        const s = await startService(name, script, receiver.endpoint, opts);
        services.push(s);
        return s;
      },
    });
    await stopAll(services);
    printTraces(receiver, log);
    return receiver.server?.spans ?? [];
  } finally {
    await stopAll(services);
    await receiver.stop();
  }
}

/** Runs `main` when the file is the process's entry point (`npx tsx examples/<name>/index.ts`). */
export function runIfMain(metaUrl: string, main: () => Promise<unknown>): void {
  if (process.argv[1] && fileURLToPath(metaUrl) === process.argv[1]) {
    main().catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
  }
}

function toPath(p: string): string {
  return p.startsWith('file:') ? fileURLToPath(p) : p;
}
