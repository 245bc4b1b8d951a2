import { propagation } from '@opentelemetry/api';

/** Header names of the common propagators, in case the registered one does not list its fields. */
const WELL_KNOWN = ['traceparent', 'tracestate', 'baggage', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-flags', 'x-b3-parentspanid', 'uber-trace-id'];

/**
 * Which request headers can carry a parent context. Why: `req.headers` is built lazily by Node
 * from `rawHeaders`, and building it (and running every propagator over it) costs more than the
 * rest of a dropped span. Most requests at a service's edge carry no context at all, so the
 * instrumentation first scans `rawHeaders` for these names and extracts only when one is there.
 * Taken from the registered propagator when the instrumentation is enabled.
 */
export class ContextHeaders {
  private names = new Set<string>(WELL_KNOWN);
  private lengths = new Set<number>(WELL_KNOWN.map((n) => n.length));

  /** Re-reads the registered propagator's fields (at enable(): initTracing registers it first). */
  refresh(): void {
    let fields: string[] = [];
    try {
      fields = propagation.fields();
    } catch {
      // a broken propagator: keep the well-known names
    }
    const names = new Set<string>(WELL_KNOWN);
    for (const f of fields) if (typeof f === 'string') names.add(f.toLowerCase());
    this.names = names;
    this.lengths = new Set([...names].map((n) => n.length));
  }

  /**
   * One pass over `rawHeaders` ([name, value, name, value...], names as sent): whether a context
   * header is present, and the Host header's value (both are needed for every request).
   */
  scan(raw: readonly string[]): { context: boolean; host: string | undefined } {
    let context = false;
    let host: string | undefined;
    const { names, lengths } = this;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const len = name.length;
      if (len === 4 && host === undefined && name.toLowerCase() === 'host') host = raw[i + 1];
      else if (!context && lengths.has(len) && names.has(name.toLowerCase())) context = true;
    }
    SCAN.context = context;
    SCAN.host = host;
    return SCAN;
  }
}

/** Reused result: read right after scan(), on one thread; saves an allocation per request. */
const SCAN: { context: boolean; host: string | undefined } = { context: false, host: undefined };
