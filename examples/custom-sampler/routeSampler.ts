/**
 * A sampler written by the application: keep or drop new traces by the route of the request that
 * starts them. Any OpenTelemetry `Sampler` plugs into `initTracing({ sampler })`; this one
 * decides from `url.path`, which the HTTP instrumentation sets on the server span before asking.
 */
import { SpanKind, type Attributes, type Context, type Link } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

export interface RouteRule {
  /** Paths starting with this... */
  prefix: string;
  /** ...keep this share of new traces (1: all, 0: none). */
  ratio: number;
}

export class RouteSampler implements Sampler {
  private readonly rules: { prefix: string; ratio: number; sampler: Sampler }[];
  private readonly fallback: Sampler;

  constructor(rules: RouteRule[], private readonly fallbackRatio: number) {
    this.rules = rules.map((r) => ({ ...r, sampler: new TraceIdRatioBasedSampler(r.ratio) }));
    this.fallback = new TraceIdRatioBasedSampler(fallbackRatio);
  }

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const path = kind === SpanKind.SERVER ? attributes['url.path'] : undefined;
    const rule = typeof path === 'string' ? this.rules.find((r) => path.startsWith(r.prefix)) : undefined;
    const result = (rule?.sampler ?? this.fallback).shouldSample(context, traceId, name, kind, attributes, links);
    if (result.decision === SamplingDecision.NOT_RECORD) return result;
    // Kept spans say which rule kept them: handy when reading a trace.
    return { ...result, attributes: { ...result.attributes, 'sampling.rule': rule?.prefix ?? 'fallback' } };
  }

  toString(): string {
    return `RouteSampler{${this.rules.map((r) => `${r.prefix}=${r.ratio}`).join(',')},fallback=${this.fallbackRatio}}`;
  }
}
