/** Shared pieces of the export tests: a real tracer provider, polling, cleanup of everything started. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach } from 'vitest';
import { createExportPipeline, type ExportPipeline, type ExportPipelineOptions } from '../../src/export/index.js';

/** Small backoffs so that retry scenarios take milliseconds, not seconds. */
export const FAST: ExportPipelineOptions = {
  exportInterval: 20,
  exportTimeout: 2000,
  flushTimeout: 5000,
  retry: { initialBackoff: 20, maxBackoff: 100, maxUnreachableBackoff: 50 },
};

const cleanups: (() => Promise<unknown>)[] = [];

/** Stops whatever a test started, even when it failed half-way. */
export function onCleanup(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
}

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

export function track<T extends { stop(): Promise<void> }>(server: T): T {
  onCleanup(() => server.stop());
  return server;
}

export interface Traced {
  pipeline: ExportPipeline;
  provider: BasicTracerProvider;
  /** Ends `n` spans named `${prefix}-${i}` and returns their names. */
  emit(n: number, prefix?: string): string[];
}

/** A pipeline behind a real BasicTracerProvider, shut down after the test. */
export function traced(options: ExportPipelineOptions): Traced {
  const pipeline = createExportPipeline({ ...FAST, ...options });
  const provider = new BasicTracerProvider({ spanProcessors: [pipeline] });
  onCleanup(() => provider.shutdown());
  const tracer = provider.getTracer('tracewise-test');
  let seq = 0;
  return {
    pipeline,
    provider,
    emit(n, prefix = 'span') {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const name = `${prefix}-${seq++}`;
        tracer.startSpan(name, { attributes: { i } }).end();
        out.push(name);
      }
      return out;
    },
  };
}

/** Emits `perTick` spans every 10 ms for `ms`, appending their names to `into`: a steady stream. */
export async function stream(emit: Traced['emit'], ms: number, into: string[], perTick = 50): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    into.push(...emit(perTick));
    await sleep(10);
  }
}

/** stream(), watching the event loop: resolves with the 99th percentile of timer lag, ms. */
export async function streamLag(emit: Traced['emit'], ms: number, into: string[]): Promise<number> {
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  await stream(emit, ms, into);
  lag.disable();
  return lag.percentile(99) / 1e6;
}

export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Names received, checking each arrived exactly once. */
export function exactlyOnce(received: { name: string }[], expected: string[]): { missing: number; duplicates: number } {
  const seen = new Map<string, number>();
  for (const s of received) seen.set(s.name, (seen.get(s.name) ?? 0) + 1);
  let duplicates = 0;
  for (const c of seen.values()) if (c > 1) duplicates += c - 1;
  const missing = expected.filter((n) => !seen.has(n)).length;
  return { missing, duplicates };
}
