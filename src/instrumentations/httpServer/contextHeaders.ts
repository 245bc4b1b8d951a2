import { propagation } from '@opentelemetry/api';
import type { HostHeaders } from './requestAttributes.js';
import { indexByLength } from '../indexByLength.js';

/** Header names of the common propagators, in case the registered one does not list its fields. */
const WELL_KNOWN = [
  'traceparent', 'tracestate', 'baggage', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-flags',
  'x-b3-parentspanid', 'uber-trace-id', 'ot-tracer-traceid', 'ot-tracer-spanid', 'ot-tracer-sampled', 'x-amzn-trace-id',
];
/** Prefixes of propagators that carry one header per baggage entry (Jaeger, OpenTracing); shortest first. */
const PREFIXES = ['uberctx-', 'ot-baggage-'];

/** The scan's result, reused (read right after scan(), on one thread: no allocation per request). */
export interface HeaderScan extends HostHeaders {
  context: boolean;
}

/**
 * Which request headers can carry a parent context. Why: `req.headers` is built lazily by Node
 * from `rawHeaders`, and building it (and running every propagator over it) costs more than the
 * rest of a dropped span. Most requests at a service's edge carry no context at all, so the
 * instrumentation first scans `rawHeaders` for these names and extracts only when one is there.
 * The names are the registered propagator's `fields()`, read when the instrumentation is
 * enabled (initTracing registers its propagators first), plus the common ones above.
 */
export class ContextHeaders {
  /** The names, lowercase, by length: common headers share a length with a context header
   * (Connection and User-Agent with tracestate, Content-Type with x-b3-traceid), and comparing a
   * char or two costs less than lowercasing and hashing each of them. */
  private byLength = indexByLength(WELL_KNOWN);
  private readonly result: HeaderScan = { context: false, host: undefined, forwarded: undefined, forwardedHost: undefined, forwardedProto: undefined };

  /** Re-reads the registered propagator's fields. */
  refresh(): void {
    let fields: string[] = [];
    try {
      fields = propagation.fields();
    } catch {
      // a broken propagator: keep the well-known names
    }
    const names = new Set<string>(WELL_KNOWN);
    for (const f of fields) if (typeof f === 'string' && f.length > 0) names.add(f.toLowerCase());
    this.byLength = indexByLength(names);
  }

  /**
   * One pass over `rawHeaders` ([name, value, name, value...], names as sent): whether a context
   * header is present, and the headers that name the server (Host, Forwarded, X-Forwarded-Host,
   * X-Forwarded-Proto).
   */
  scan(raw: readonly string[]): HeaderScan {
    const r = this.result;
    r.context = false;
    r.host = r.forwarded = r.forwardedHost = r.forwardedProto = undefined;
    const byLength = this.byLength;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const len = name.length;
      if (len === 4) {
        if (r.host === undefined && startsWithLower(name, 'host')) {
          r.host = raw[i + 1];
          continue;
        }
      } else if (len === 9) {
        if (r.forwarded === undefined && startsWithLower(name, 'forwarded')) {
          r.forwarded = raw[i + 1];
          continue;
        }
      } else if (len === 16) {
        if (r.forwardedHost === undefined && startsWithLower(name, 'x-forwarded-host')) {
          r.forwardedHost = raw[i + 1];
          continue;
        }
      } else if (len === 17) {
        if (r.forwardedProto === undefined && startsWithLower(name, 'x-forwarded-proto')) {
          r.forwardedProto = raw[i + 1];
          continue;
        }
      }
      if (r.context) continue;
      const candidates = byLength[len];
      // A candidate of the name's length that it starts with is the name.
      if (candidates !== undefined && startsWithAny(name, candidates)) r.context = true;
      else if (len > PREFIXES[0].length && startsWithAny(name, PREFIXES)) r.context = true;
    }
    return r;
  }
}

/** Whether `name` starts with `lower` (lowercase), ignoring ASCII case: header names are tokens. */
function startsWithLower(name: string, lower: string): boolean {
  if (name.length < lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = name.charCodeAt(i);
    if (c !== lower.charCodeAt(i) && !(c >= 65 && c <= 90 && c + 32 === lower.charCodeAt(i))) return false;
  }
  return true;
}

function startsWithAny(name: string, lowers: readonly string[]): boolean {
  for (let i = 0; i < lowers.length; i++) if (startsWithLower(name, lowers[i])) return true;
  return false;
}
