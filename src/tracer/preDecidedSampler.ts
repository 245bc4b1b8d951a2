import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * The sampler the SDK's Tracer sees. tracewise's tracer decides before calling the SDK (so a
 * dropped span never pays for the SDK's attribute sanitising and span bookkeeping) and parks the
 * decision here; the SDK, which calls shouldSample synchronously inside the same startSpan,
 * picks it up. Spans started on the SDK provider directly fall through to the live sampler.
 */
export class PreDecidedSampler implements Sampler {
  pending: SamplingResult | undefined = undefined;

  constructor(private readonly live: () => Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const p = this.pending;
    if (p !== undefined) {
      this.pending = undefined;
      return p;
    }
    return this.live().shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return this.live().toString();
  }
}
