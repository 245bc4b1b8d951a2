import { diag } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { ComposableSampler, type SpanInput } from './composableSampler.js';
import { NEVER_THRESHOLD } from './consistentProbability.js';
import { FOREIGN, makeIntent, NOT_SAMPLED, type ForeignDecision, type Intent } from './intent.js';

/**
 * Any OTel `Sampler` as a node of a tracewise sampler tree. A tracewise sampler is used as is;
 * another sampler (the SDK's, a vendor's) is wrapped: its result is passed through, its kept
 * spans get provenance attributes, and an inherited `th` is erased unless it returns a
 * tracestate itself (its decision is not known to be probabilistic).
 */
export function asComposable(sampler: Sampler): ComposableSampler {
  return sampler instanceof ComposableSampler ? sampler : new ForeignSampler(sampler);
}

let reportedThrow = false;

class ForeignSampler extends ComposableSampler implements ForeignDecision {
  last = NOT_SAMPLED;
  private readonly intent: Intent;
  private readonly description: string;

  constructor(private readonly delegate: Sampler) {
    super();
    this.description = String(delegate.toString());
    this.intent = makeIntent(FOREIGN, NEVER_THRESHOLD, this.description, false, this);
  }

  _decide(span: SpanInput): Intent {
    try {
      const d = this.delegate;
      this.last = d.shouldSample(span.context, span.traceId, span.spanName, span.spanKind, span.attributes, span.links);
    } catch (err) {
      // The SDK does not catch sampler errors: one would fail startSpan() in user code.
      if (!reportedThrow) {
        reportedThrow = true;
        diag.error(`tracewise: sampler ${this.description} threw; dropping the span instead.`, err);
      }
      this.last = NOT_SAMPLED;
    }
    return this.intent;
  }

  toString(): string {
    return this.description;
  }
}
