import { diag } from '@opentelemetry/api';

/** What one export request came to. Transports never throw or reject: every failure is an outcome. */
export type SendOutcome =
  | {
      ok: true;
      /** Spans the collector rejected in a partial success. */
      rejectedSpans: number;
      errorMessage?: string;
    }
  | {
      ok: false;
      /** May be sent again (OTLP spec retry rules). */
      retryable: boolean;
      /**
       * No collector answered (connection refused, dropped, no route): cheap to retry, so the
       * pipeline probes at a short interval to resume soon after the collector returns.
       */
      unreachable: boolean;
      /** The server asked for this delay (RetryInfo, Retry-After). */
      retryAfterMs?: number;
      /** A short code for metrics: a gRPC status name, `http_<status>`, `timeout`, `unreachable`. */
      failure: string;
      /** For diagnostics; never includes headers or key material. */
      message: string;
    };

/** Sends encoded ExportTraceServiceRequests to a collector. */
export interface Transport {
  send(body: Uint8Array, timeoutMs: number, signal: AbortSignal): Promise<SendOutcome>;
  /**
   * True when a successful outcome means nothing under the transport reads `body` any more, so
   * the pipeline may reuse its memory.
   */
  readonly releasesBodyOnSuccess: boolean;
  /**
   * The same after a failed outcome. Not every transport can promise it: an HTTP request may
   * still be writing or compressing `body` when its failure is known.
   */
  readonly releasesBodyOnFailure: boolean;
  /**
   * Calls `wake` once when the collector looks reachable again, to cut a backoff short.
   * Optional: transports without a cheap signal rely on the pipeline's short probing interval.
   */
  watchReachable?(wake: () => void): void;
  close(): Promise<void>;
}

/**
 * The outcome of a request abandoned (shutdown's deadline) before it went out: an `abort` that
 * came while the transport was still setting up or compressing fires no event later, so the
 * transports check `signal.aborted` before they start a request.
 */
export const ABORTED: SendOutcome = Object.freeze({
  ok: false,
  retryable: false,
  unreachable: false,
  failure: 'aborted',
  message: 'abandoned before it was sent',
});

/** The outcome for a transport that could not be set up (bad certificate file, bad endpoint). */
export function setupFailure(err: unknown): SendOutcome {
  return {
    ok: false,
    retryable: false,
    unreachable: false,
    failure: 'config',
    message: `exporter setup failed: ${(err as Error)?.message ?? String(err)}`,
  };
}

/**
 * Runs `send` once the transport's async setup is done; a failed setup, or a `send` that throws,
 * is a non-retryable outcome (transports never reject).
 */
export async function afterSetup<S>(setup: Promise<S>, send: (s: S) => Promise<SendOutcome>): Promise<SendOutcome> {
  let s: S;
  try {
    s = await setup;
  } catch (err) {
    return setupFailure(err);
  }
  try {
    return await send(s);
  } catch (err) {
    // A request that could not even be built (node:http throws on what it cannot send): the
    // same body would fail again. Only the error's code is reported: its message may quote a
    // header.
    const code = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.name ?? 'error';
    diag.debug(`tracewise: an export request could not be made (${code})`);
    return { ok: false, retryable: false, unreachable: false, failure: 'request_error', message: `the export request could not be made (${code})` };
  }
}
