import { afterEach, describe, expect, it } from 'vitest';
import { SamplingDecision } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { initTracing, InvalidConfigError, type Tracing } from '../../src/index.js';
import { alwaysOff, headSampler } from '../../src/sampling/index.js';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

// Nothing listens on port 9: a short shutdown deadline, or each shutdown waits 5 s to deliver.
const base = { endpoint: 'http://127.0.0.1:9', flushOnExit: false, logLevel: 'none' as const, shutdownTimeout: 100 };
const recordedOf = (t: Tracing, n = 200) => {
  let k = 0;
  for (let i = 0; i < n; i++) {
    const s = t.instrumentation.startSpan('op');
    if (s.isRecording()) k++;
    s.end();
  }
  return k;
};

describe('sampling through initTracing', () => {
  it('samplingRate is a consistent head sampler writing th', () => {
    tracing = initTracing({ ...base, samplingRate: 0.25 }, {});
    const kept: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const s = tracing.instrumentation.startSpan('op');
      if (s.isRecording()) kept.push(s.spanContext().traceState?.serialize() ?? '');
      s.end();
    }
    // 4000 trials at p = 0.25: mean 1000, sd ~27; 5 sd tolerance
    expect(Math.abs(kept.length - 1000)).toBeLessThan(140);
    expect(new Set(kept)).toEqual(new Set(['ot=th:c']));
  });

  it('OTEL_TRACES_SAMPLER applies when code chooses nothing, and code wins over it', async () => {
    tracing = initTracing(base, { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    expect(recordedOf(tracing)).toBe(0);
    await tracing.shutdown();
    tracing = initTracing({ ...base, samplingRate: 1 }, { OTEL_TRACES_SAMPLER: 'always_off' });
    expect(recordedOf(tracing)).toBe(200);
  });

  it('forcing without a head of its own takes the head from OTEL_TRACES_SAMPLER', () => {
    tracing = initTracing({ ...base, sampler: { forceErrors: true } }, { OTEL_TRACES_SAMPLER: 'always_off' });
    expect(String(tracing.sampler)).toMatch(/AlwaysOff/);
    // dropped by the head, recorded provisionally by forcing
    const span = tracing.instrumentation.startSpan('op');
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceFlags & 1).toBe(0);
    span.end();
  });

  it('setSampler swaps atomically; a foreign sampler is named on the spans it records', () => {
    tracing = initTracing({ ...base, samplingRate: 1 }, {});
    expect(recordedOf(tracing)).toBe(200);
    tracing.setSampler(alwaysOff());
    expect(recordedOf(tracing)).toBe(0);
    const mine: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD_AND_SAMPLED }), toString: () => 'MySampler' };
    tracing.setSampler(mine);
    expect(tracing.sampler).toBe(mine);
    const span = tracing.instrumentation.startSpan('op') as unknown as { attributes: Record<string, unknown> };
    expect(span.attributes['tracewise.sampler']).toBe('MySampler');
    expect(() => tracing!.setSampler({} as Sampler)).toThrow(InvalidConfigError);
  });

  it('boostSampling raises sampling for a while and falls back by itself', async () => {
    tracing = initTracing({ ...base, sampler: headSampler({ ratio: 0 }) }, {});
    expect(recordedOf(tracing)).toBe(0);
    tracing.boostSampling({ ratio: 1, durationMs: 150 });
    expect(recordedOf(tracing)).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(recordedOf(tracing)).toBe(0);
  });

  it('rejects a malformed boost with a typed error', () => {
    tracing = initTracing({ ...base, samplingRate: 0.1 }, {});
    expect(() => tracing!.boostSampling({ ratio: 0.5, factor: 2, durationMs: 10 } as never)).toThrow(/exactly one of/);
    expect(() => tracing!.boostSampling({ ratio: 2, durationMs: 10 })).toThrow(InvalidConfigError);
    expect(() => tracing!.boostSampling({ factor: 2, durationMs: 0 })).toThrow(/durationMs/);
  });
});
