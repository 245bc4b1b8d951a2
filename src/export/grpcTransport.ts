import { diag } from '@opentelemetry/api';
import type * as Grpc from '@grpc/grpc-js';
import type { ResolvedExportOptions } from './exportPipelineOptions.js';
import { successOutcome } from './exportResponse.js';
import { grpcTarget } from './grpcTarget.js';
import { loadPem } from './loadPem.js';
import { quietSoon } from './quiet.js';
import { retryDelayFromStatusDetails } from './retryInfo.js';
import { GRPC_DEADLINE_EXCEEDED, GRPC_UNAVAILABLE, grpcStatusName, isRetryableGrpcStatus } from './retryPolicy.js';
import { ABORTED, afterSetup, setupFailure, type SendOutcome, type Transport } from './transport.js';

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** Consecutive deadline failures after which the channel is assumed stuck and re-created. */
const STUCK_AFTER_DEADLINES = 3;

interface Setup {
  grpc: typeof Grpc;
  address: string;
  credentials: Grpc.ChannelCredentials;
  metadata: Grpc.Metadata;
  channelOptions: Grpc.ChannelOptions;
}

const identity = (b: Buffer) => b;

/**
 * OTLP/gRPC over grpc-js's generic client (no generated stubs: the body is already encoded).
 * grpc-js is imported lazily so that apps exporting over HTTP never load it.
 */
export function createGrpcTransport(o: ResolvedExportOptions): Transport {
  let client: Grpc.Client | undefined;
  let closed = false;
  let watching = false;
  let deadlineStreak = 0;

  const setup: Promise<Setup> = quietSoon(async () => {
    const grpc = await import('@grpc/grpc-js');
    const { address, secure } = grpcTarget(o.endpoint, o.insecure);
    const [ca, key, cert] = await Promise.all([
      loadPem('certificate', o.certificate),
      loadPem('clientKey', o.clientKey),
      loadPem('clientCertificate', o.clientCertificate),
    ]);
    const credentials = secure
      ? grpc.credentials.createSsl(ca ?? null, key ?? null, cert ?? null)
      : grpc.credentials.createInsecure();
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(o.headers)) {
      try {
        metadata.set(k.toLowerCase(), v);
      } catch {
        diag.warn(`tracewise: skipping header "${k}": not a valid gRPC metadata key`);
      }
    }
    const channelOptions: Grpc.ChannelOptions = {
      // grpc-js defaults to reconnect backoff growing to 120 s: after a collector restart the
      // channel would sit in backoff long after the collector is back. Keep it short.
      'grpc.initial_reconnect_backoff_ms': Math.min(100, o.retry.maxUnreachableBackoff),
      'grpc.max_reconnect_backoff_ms': o.retry.maxUnreachableBackoff,
      // Detect a dead connection (collector host gone without a FIN) while calls are active.
      // Servers reset ping strikes whenever they send data, so an exporting channel is not
      // told off for pinging every 30 s.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.default_compression_algorithm': o.compression === 'gzip' ? grpc.compressionAlgorithms.gzip : grpc.compressionAlgorithms.identity,
      'grpc.primary_user_agent': 'tracewise',
    };
    return { grpc, address, credentials, metadata, channelOptions };
  });
  setup.catch(() => undefined); // reported through send() outcomes

  const failure = (s: Setup, c: Grpc.Client, err: Grpc.ServiceError): SendOutcome => {
    const code = typeof err.code === 'number' ? err.code : 2;
    if (code === GRPC_DEADLINE_EXCEEDED) {
      if (++deadlineStreak >= STUCK_AFTER_DEADLINES && client === c) {
        // A channel whose calls all time out may be wedged on a dead connection: start afresh.
        client = undefined;
        deadlineStreak = 0;
        c.close();
      }
    }
    const details = err.metadata?.get('grpc-status-details-bin')[0];
    const retryAfterMs = Buffer.isBuffer(details) ? retryDelayFromStatusDetails(details) : undefined;
    const ready = c.getChannel().getConnectivityState(false) === s.grpc.connectivityState.READY;
    const unreachable = code === GRPC_UNAVAILABLE && !ready;
    const name = code === GRPC_DEADLINE_EXCEEDED ? 'timeout' : unreachable ? 'unreachable' : grpcStatusName(code);
    return {
      ok: false,
      retryable: isRetryableGrpcStatus(code, retryAfterMs !== undefined),
      unreachable,
      retryAfterMs,
      failure: name,
      message: `${grpcStatusName(code)}: ${err.details ?? ''}`,
    };
  };

  return {
    // The collector answers OK only after receiving the whole message, and grpc-js reads `body`
    // (to frame, or to compress it) before sending: by then every read of it is done.
    releasesBodyOnSuccess: true,
    // An outcome is reported from grpc-js's callback only, once the call has its status: after
    // that it neither sends nor retries the message (its copy was framed before sending).
    // Reusing a failed batch's memory matters during an outage: the probed batch is evicted
    // later, and unpooled it becomes old garbage that only a full collection frees.
    releasesBodyOnFailure: true,
    send(body, timeoutMs, signal) {
      return afterSetup(setup, (s) => {
        if (closed) return Promise.resolve(setupFailure(new Error('transport closed')));
        if (signal.aborted) return Promise.resolve(ABORTED);
        const c = (client ??= new s.grpc.Client(s.address, s.credentials, s.channelOptions));
        return new Promise<SendOutcome>((resolve) => {
          const onAbort = () => call.cancel();
          const call = c.makeUnaryRequest<Buffer, Buffer>(
            EXPORT_PATH,
            identity,
            identity,
            Buffer.from(body.buffer, body.byteOffset, body.byteLength),
            s.metadata,
            { deadline: Date.now() + timeoutMs },
            (err, res) => {
              signal.removeEventListener('abort', onAbort);
              if (err) return resolve(failure(s, c, err));
              deadlineStreak = 0;
              resolve(successOutcome(res));
            },
          );
          signal.addEventListener('abort', onAbort, { once: true });
        });
      });
    },

    watchReachable(wake) {
      const c = client;
      if (watching || closed || !c) return;
      watching = true;
      void setup.then((s) => {
        const ch = c.getChannel();
        const { READY, SHUTDOWN } = s.grpc.connectivityState;
        const step = () => {
          if (closed || client !== c) return void (watching = false);
          // `true` asks the channel to connect (again, after its short backoff): this is the probe.
          const state = ch.getConnectivityState(true);
          if (state === READY) {
            watching = false;
            return wake();
          }
          if (state === SHUTDOWN) return void (watching = false);
          ch.watchConnectivityState(state, Infinity, step);
        };
        step();
      });
    },

    async close() {
      closed = true;
      client?.close();
      client = undefined;
    },
  };
}
