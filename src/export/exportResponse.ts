import { diag } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { SendOutcome } from './transport.js';

/**
 * The outcome of a successful request: a full success, or a partial success whose rejected spans
 * are counted (and never retried, per the OTLP spec). An unparseable body is taken as a full
 * success: the collector said OK, and retrying would duplicate data.
 */
export function successOutcome(body: Uint8Array | undefined): SendOutcome {
  if (!body || body.byteLength === 0) return { ok: true, rejectedSpans: 0 };
  try {
    const partial = ProtobufTraceSerializer.deserializeResponse(body).partialSuccess;
    const rejected = Number(partial?.rejectedSpans ?? 0);
    return { ok: true, rejectedSpans: rejected > 0 ? rejected : 0, errorMessage: partial?.errorMessage || undefined };
  } catch {
    diag.debug('tracewise: could not parse the export response; taking it as a success');
    return { ok: true, rejectedSpans: 0 };
  }
}
