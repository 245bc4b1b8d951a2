import { afterAll, afterEach, beforeAll } from 'vitest';
import { initTracing, type Tracing, type TracingConfig } from '../../src/index.js';
import { startOtlpServer, type OtlpServer, type ReceivedSpan } from './otlpServer.js';

export interface TracingFixture {
  /** The loopback OTLP/gRPC receiver (started before the file's tests, stopped after). */
  readonly server: OtlpServer;
  /** The instance of the running test, if it called init(). */
  readonly tracing: Tracing | undefined;
  /** initTracing() exporting to the receiver, quiet and quick; shut down after each test. */
  init(config?: TracingConfig): Tracing;
}

/**
 * Registers the hooks most end-to-end test files need: one receiver per file, one tracewise
 * instance per test (initTracing is a process singleton), the receiver cleared between tests.
 */
export function tracingWithReceiver(defaults: TracingConfig = {}): TracingFixture {
  let server: OtlpServer | undefined;
  let tracing: Tracing | undefined;
  beforeAll(async () => {
    server = await startOtlpServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
    server?.clear();
  });
  return {
    get server() {
      return server!;
    },
    get tracing() {
      return tracing;
    },
    init(config = {}) {
      tracing = initTracing(
        { endpoint: server!.url, flushOnExit: false, logLevel: 'none', exportInterval: 50, ...defaults, ...config },
        {},
      );
      return tracing;
    },
  };
}

/** The received span named `name`; throws (listing what arrived) when there is none. */
export function spanNamed(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span named ${name} among ${spans.map((x) => x.name).join(', ')}`);
  return s;
}
