import { describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { initTracing, type Tracing } from '../../src/index.js';
import type { TracingConfig } from '../../src/config.js';
import { withForcing } from '../../src/forcing/withForcing.js';
import { adaptiveSampler, rateLimitingSampler } from '../../src/sampling/index.js';
import type { ReceivedSpan } from '../helpers/otlpServer.js';
import { tracingWithReceiver } from '../helpers/tracingWithReceiver.js';

const fixture = tracingWithReceiver({ serviceName: 'forcing' });

const frozen = () => 0;
const TRACES = 40;

/** 40 traces of root + child; every 4th fails in its child. Returns the root trace IDs by outcome. */
async function run(config: TracingConfig): Promise<{ spans: ReceivedSpan[]; failed: Set<string>; ok: Set<string> }> {
  const tracing = fixture.init(config);
  const i = tracing.instrumentation;
  const failed = new Set<string>();
  const ok = new Set<string>();
  for (let n = 0; n < TRACES; n++) {
    i.withSpan('request', (root) => {
      (n % 4 === 3 ? failed : ok).add(root.spanContext().traceId);
      i.withSpan('work', (child) => {
        if (n % 4 === 3) child.setStatus({ code: SpanStatusCode.ERROR });
      });
    });
  }
  await tracing.forceFlush();
  await new Promise((r) => setTimeout(r, 200));
  return { spans: [...fixture.server.spans], failed, ok };
}

/** Per trace: both spans arrived; head-sampled ones carry th and no forced reason, forced ones the reverse. */
function byTrace(spans: ReceivedSpan[]): Map<string, 'sampled' | 'forced'> {
  const out = new Map<string, 'sampled' | 'forced'>();
  for (const id of new Set(spans.map((s) => s.traceId))) {
    const mine = spans.filter((s) => s.traceId === id);
    expect(mine.map((s) => s.name).sort()).toEqual(['request', 'work']);
    const forced = mine.every((s) => s.attributes['tracewise.forced'] === 'error' && !/th:/.test(s.traceState));
    const sampled = mine.every((s) => s.attributes['tracewise.forced'] === undefined && /th:/.test(s.traceState));
    expect(forced || sampled).toBe(true);
    out.set(id, forced ? 'forced' : 'sampled');
  }
  return out;
}

function check(kinds: Map<string, 'sampled' | 'forced'>, failed: Set<string>, ok: Set<string>): { sampledOk: number } {
  // Every failing trace arrived, forced or head-sampled; OK traces only when head-sampled.
  for (const id of failed) expect(kinds.has(id)).toBe(true);
  let sampledOk = 0;
  for (const [id, kind] of kinds) {
    if (kind === 'forced') expect(failed.has(id)).toBe(true);
    else if (ok.has(id)) sampledOk++;
  }
  return { sampledOk };
}

describe('forcing composed with the adaptive and rate-limiting samplers', () => {
  it('rate-limiting head (1 trace, frozen clock): the one sampled trace plus every failing one', async () => {
    const head: Sampler = rateLimitingSampler({ tracesPerSecond: 1, burst: 1, clock: frozen });
    const { spans, failed, ok } = await run({ sampler: { head, forceErrors: true } });
    const kinds = byTrace(spans);
    const { sampledOk } = check(kinds, failed, ok);
    expect([...kinds.values()].filter((k) => k === 'sampled')).toHaveLength(1);
    expect(sampledOk).toBe(1); // the first trace, an OK one, took the only token
    expect(spans.find((s) => s.name === 'request' && s.attributes['tracewise.forced'] === undefined)!.attributes['tracewise.sampler']).toMatch(/RateLimitingSampler/);
  });

  it('adaptive head (ratio 0.5, frozen clock): sampled traces as before, failing unsampled ones forced', async () => {
    const head = adaptiveSampler({ targetTracesPerSecond: 10, maxRatio: 0.5, clock: frozen });
    const { spans, failed, ok } = await run({ sampler: withForcing(head, { forceErrors: true }) });
    const kinds = byTrace(spans);
    const { sampledOk } = check(kinds, failed, ok);
    // About half of the 30 OK traces (chance of 0 or all: 2^-29).
    expect(sampledOk).toBeGreaterThan(0);
    expect(sampledOk).toBeLessThan(ok.size);
    expect([...kinds.values()].filter((k) => k === 'forced').length).toBeGreaterThan(0);
    expect(fixture.tracing!.metrics.snapshot().sampler.ratio).toBe(0.5);
  });
});
