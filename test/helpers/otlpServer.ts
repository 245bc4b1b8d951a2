/**
 * A real OTLP/gRPC trace receiver on loopback for tests and the demo: it decodes requests with
 * the official protobuf definitions (generated code shipped by @opentelemetry/otlp-transformer
 * 0.52.1, aliased as @otlp/transformer), records every span, and can answer with a chosen gRPC
 * status, a delay, a partial success, or hang, so exporters are tested against the wire protocol.
 */
import * as grpc from '@grpc/grpc-js';
import { createRequire } from 'node:module';
import { protoFields } from './protoFields.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const root: any = require('@otlp/transformer/build/src/generated/root.js');
const proto = root.opentelemetry.proto.collector.trace.v1;

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** The OTLP trace Export method with raw bytes in and out (requests are decoded by hand). */
export const TRACE_SERVICE_DEFINITION: grpc.ServiceDefinition = {
  Export: {
    path: TRACE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
    originalName: 'export',
  },
};

export type AttrValue = string | number | boolean | null | AttrValue[] | { [k: string]: AttrValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  durationMs: number;
  attributes: Record<string, AttrValue>;
  events: { name: string; attributes: Record<string, AttrValue> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, AttrValue> }[];
  status: { code: number; message: string };
  resource: Record<string, AttrValue>;
  scope: string;
}

export interface ExportRequestInfo {
  spans: number;
  metadata: Record<string, string>;
}

/** TLS for the receiver; with `ca` set, clients must present a certificate signed by it (mTLS). */
export interface ServerTls {
  key: Buffer;
  cert: Buffer;
  ca?: Buffer;
}

export interface OtlpServerOptions {
  port?: number;
  tls?: ServerTls;
  /**
   * `false`: do not keep decoded spans (`spans` stays empty), only count them (`spanCount`,
   * `uniqueSpanCount`). For benchmarks, where millions of span objects would swamp the receiver.
   */
  record?: boolean;
}

/** What the server answers to one Export call. Default: OK. */
export interface Reply {
  /** A gRPC status code other than OK fails the call. */
  code?: grpc.status;
  details?: string;
  /** Adds google.rpc.RetryInfo with this delay to the error's status details. */
  retryDelayMs?: number;
  /** Answers OK with an ExportTracePartialSuccess. */
  partialSuccess?: { rejectedSpans: number; errorMessage: string };
  /** Waits this long before answering. */
  delayMs?: number;
  /** Never answers (the client must time out). */
  hang?: boolean;
  /** Whether the spans of a failed call are still recorded (default false). */
  recordOnError?: boolean;
}

export type Responder = (info: ExportRequestInfo) => Reply | undefined;

export interface OtlpServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly spans: ReceivedSpan[];
  readonly requests: ExportRequestInfo[];
  setResponder(fn: Responder | undefined): void;
  /** Resolves once at least `count` spans have been received; rejects after `timeoutMs`. */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /**
   * Stops listening (connections are cut); `start()` listens again on the same port. With
   * `graceful`, calls already received are answered first (as a collector draining on SIGTERM):
   * no request is recorded without its answer reaching the client, so tests can assert
   * exactly-once delivery across the restart.
   */
  stop(opts?: { graceful?: boolean }): Promise<void>;
  start(): Promise<void>;
  readonly running: boolean;
  clear(): void;
  /** Spans received and recorded (also with `record: false`). */
  readonly spanCount: number;
  /** Distinct span IDs among them: less than `spanCount` means duplicates were delivered. */
  readonly uniqueSpanCount: number;
  /** The `grpc-encoding` of each request stream (`identity` when uncompressed), in arrival order. */
  readonly encodings: string[];
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes && bytes.length ? Buffer.from(bytes).toString('hex') : '';
}

function toNanos(v: unknown): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number') return BigInt(v);
  // protobufjs Long
  const l = v as { low: number; high: number; unsigned?: boolean };
  return (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function anyValue(v: any): AttrValue {
  if (!v) return null;
  if (v.stringValue !== undefined && v.stringValue !== null && v.value === 'stringValue') return v.stringValue;
  if (v.value === 'boolValue') return v.boolValue;
  if (v.value === 'intValue') return Number(toNanos(v.intValue));
  if (v.value === 'doubleValue') return v.doubleValue;
  if (v.value === 'arrayValue') return (v.arrayValue?.values ?? []).map(anyValue);
  if (v.value === 'kvlistValue') return attrs(v.kvlistValue?.values);
  if (v.value === 'bytesValue') return Buffer.from(v.bytesValue).toString('base64');
  if (typeof v.stringValue === 'string') return v.stringValue;
  return null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function attrs(list: any[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/** Decodes an ExportTraceServiceRequest into flat span records. */
export function decodeTraceRequest(buf: Buffer): ReceivedSpan[] {
  const req = proto.ExportTraceServiceRequest.decode(buf);
  const out: ReceivedSpan[] = [];
  for (const rs of req.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = ss.scope?.name ?? '';
      for (const s of ss.spans ?? []) {
        const start = toNanos(s.startTimeUnixNano);
        const end = toNanos(s.endTimeUnixNano);
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          traceState: s.traceState ?? '',
          flags: s.flags ?? 0,
          name: s.name,
          kind: s.kind ?? 0,
          startTimeUnixNano: start,
          endTimeUnixNano: end,
          durationMs: Number(end - start) / 1e6,
          attributes: attrs(s.attributes),
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          events: (s.events ?? []).map((e: any) => ({ name: e.name, attributes: attrs(e.attributes) })),
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          links: (s.links ?? []).map((l: any) => ({
            traceId: hex(l.traceId),
            spanId: hex(l.spanId),
            attributes: attrs(l.attributes),
          })),
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/**
 * The trace+span ID of every span in an ExportTraceServiceRequest, found by walking the protobuf
 * (request.1 ResourceSpans → .2 ScopeSpans → .2 Span → .1 trace_id, .2 span_id) without decoding
 * anything else: the count-only receiver of the benchmark must keep up with 100k+ spans/s.
 */
export function spanKeys(buf: Buffer): string[] {
  const keys: string[] = [];
  const walk = (start: number, end: number, onLen: (field: number, s: number, e: number) => void) => protoFields(buf, start, end, onLen);
  walk(0, buf.length, (f, s, e) => {
    if (f !== 1) return;
    walk(s, e, (f2, s2, e2) => {
      if (f2 !== 2) return;
      walk(s2, e2, (f3, s3, e3) => {
        if (f3 !== 2) return;
        let id = '';
        walk(s3, e3, (f4, s4, e4) => {
          if (f4 === 1 || f4 === 2) id += buf.toString("latin1", s4, e4);
        });
        keys.push(id);
      });
    });
  });
  return keys;
}

/** Encodes google.rpc.Status{code, message, details:[Any(google.rpc.RetryInfo{retry_delay})]}. */
export function retryInfoStatus(code: number, message: string, delayMs: number): Buffer {
  const seconds = Math.floor(delayMs / 1000);
  const nanos = Math.round((delayMs - seconds * 1000) * 1e6);
  const w = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse; // only for its Writer
  // encode() hands back protobufjs's BufferWriter; its constructor makes fresh writers.
  const BufferWriter = (w.encode({}) as { constructor: new () => ProtoWriter }).constructor;
  const Writer = { create: () => new BufferWriter() };
  const duration = Writer.create();
  if (seconds) duration.uint32(8).int64(seconds);
  if (nanos) duration.uint32(16).int32(nanos);
  const retryInfo = Writer.create();
  retryInfo.uint32(10).bytes(duration.finish());
  const any = Writer.create();
  any.uint32(10).string('type.googleapis.com/google.rpc.RetryInfo');
  any.uint32(18).bytes(retryInfo.finish());
  const status = Writer.create();
  status.uint32(8).int32(code);
  status.uint32(18).string(message);
  status.uint32(26).bytes(any.finish());
  return Buffer.from(status.finish());
}

interface ProtoWriter {
  uint32(v: number): ProtoWriter;
  int32(v: number): ProtoWriter;
  int64(v: number): ProtoWriter;
  string(v: string): ProtoWriter;
  bytes(v: Uint8Array): ProtoWriter;
  finish(): Uint8Array;
}

/** Promises that resolve once `count()` reaches a number; `notify()` after it grows. */
export function countWaiter(count: () => number): { notify(): void; wait(n: number, timeoutMs: number): Promise<void> } {
  const waiters = new Set<() => void>();
  return {
    notify() {
      for (const w of waiters) w();
    },
    wait(n, timeoutMs) {
      return new Promise((resolve, reject) => {
        if (count() >= n) return resolve();
        const check = () => {
          if (count() < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${n} spans (have ${count()})`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
  };
}

export async function startOtlpServer(opts: OtlpServerOptions = {}): Promise<OtlpServer> {
  const spans: ReceivedSpan[] = [];
  const requests: ExportRequestInfo[] = [];
  const encodings: string[] = [];
  const record = opts.record ?? true;
  const spanIds = new Set<string>();
  let spanCount = 0;
  let responder: Responder | undefined;
  let server: grpc.Server | undefined;
  let port = opts.port ?? 0;
  const pendingTimers = new Set<NodeJS.Timeout>();
  const waiter = countWaiter(() => (record ? spans.length : spanCount));
  const notify = waiter.notify;

  const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    let decoded: ReceivedSpan[] = [];
    let keys: string[];
    try {
      if (record) {
        decoded = decodeTraceRequest(call.request);
        keys = decoded.map((d) => d.traceId + d.spanId);
      } else keys = spanKeys(call.request);
    } catch (e) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `undecodable request: ${(e as Error).message}` });
      return;
    }
    const md: Record<string, string> = {};
    for (const [k, v] of Object.entries(call.metadata.getMap())) md[k] = String(v);
    const info: ExportRequestInfo = { spans: keys.length, metadata: md };
    requests.push(info);
    const reply = responder?.(info) ?? {};
    if (reply.hang) return;
    const answer = () => {
      const failed = reply.code !== undefined && reply.code !== grpc.status.OK;
      if (!failed || reply.recordOnError) {
        spanCount += keys.length;
        for (const k of keys) spanIds.add(k);
        if (record) spans.push(...decoded);
        notify();
      }
      if (failed) {
        const err: Partial<grpc.StatusObject> = { code: reply.code!, details: reply.details ?? 'injected failure' };
        if (reply.retryDelayMs !== undefined) {
          const metadata = new grpc.Metadata();
          metadata.set('grpc-status-details-bin', retryInfoStatus(reply.code!, err.details!, reply.retryDelayMs));
          err.metadata = metadata;
        }
        callback(err as grpc.ServiceError);
        return;
      }
      const resp = reply.partialSuccess
        ? { partialSuccess: { rejectedSpans: reply.partialSuccess.rejectedSpans, errorMessage: reply.partialSuccess.errorMessage } }
        : {};
      callback(null, Buffer.from(proto.ExportTraceServiceResponse.encode(resp).finish()));
    };
    if (reply.delayMs) {
      const t = setTimeout(() => {
        pendingTimers.delete(t);
        answer();
      }, reply.delayMs);
      pendingTimers.add(t);
    } else answer();
  };


  const start = async () => {
    if (server) return;
    const s = new grpc.Server();
    s.addService(TRACE_SERVICE_DEFINITION, { Export: handler });
    const credentials = opts.tls
      ? grpc.ServerCredentials.createSsl(opts.tls.ca ?? null, [{ private_key: opts.tls.key, cert_chain: opts.tls.cert }], !!opts.tls.ca)
      : grpc.ServerCredentials.createInsecure();
    port = await new Promise<number>((resolve, reject) =>
      s.bindAsync(`127.0.0.1:${port}`, credentials, (err, p) => (err ? reject(err) : resolve(p))),
    );
    // grpc-js strips `grpc-encoding` before handlers see the metadata; read it off the HTTP/2
    // streams (a private field, hence the defensive access) so tests can check compression.
    // The same access sets TCP_NODELAY on accepted sockets.
    const h2 = (s as unknown as { http2Servers?: Map<import('node:events').EventEmitter, unknown> }).http2Servers;
    for (const h of h2?.keys() ?? []) {
      // grpc-js servers leave Nagle on; with delayed ACKs, HTTP/2 window updates then stall
      // large requests for ~40 ms per round trip. Collectors (Go) set TCP_NODELAY: do as they do.
      h.on('connection', (sock: import('node:net').Socket) => sock.setNoDelay(true));
      // HTTP/2 windows: grpc-js keeps the 64 KiB default, so every large request waits for
      // WINDOW_UPDATE round trips; grpc-go (the collector) grows its windows by BDP estimation up
      // to 16 MiB. Open them up front so the receiver is not the bottleneck it would not be.
      h.on('session', (session: import('node:http2').ServerHttp2Session) => {
        session.settings({ initialWindowSize: 16 * 1024 * 1024 });
        session.setLocalWindowSize(16 * 1024 * 1024);
      });
      h.on('stream', (_stream: unknown, headers: Record<string, string | undefined>) => {
        if (headers[':path'] === TRACE_EXPORT_PATH) encodings.push(headers['grpc-encoding'] ?? 'identity');
      });
    }
    server = s;
  };

  const stop = async ({ graceful = false }: { graceful?: boolean } = {}) => {
    const s = server;
    server = undefined;
    if (graceful && s) {
      // Pending delayed answers still go out; give up on stragglers (hung calls) after 2 s.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        s.tryShutdown(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    for (const t of pendingTimers) clearTimeout(t);
    pendingTimers.clear();
    if (s) s.forceShutdown();
  };

  await start();

  return {
    get url() {
      return `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    },
    get spanCount() {
      return spanCount;
    },
    get uniqueSpanCount() {
      return spanIds.size;
    },
    encodings,
    get port() {
      return port;
    },
    get running() {
      return server !== undefined;
    },
    spans,
    requests,
    setResponder(fn) {
      responder = fn;
    },
    clear() {
      spans.length = 0;
      requests.length = 0;
      encodings.length = 0;
      spanIds.clear();
      spanCount = 0;
    },
    waitForSpans(n, timeoutMs = 10_000) {
      return waiter.wait(n, timeoutMs).then(() => spans);
    },
    stop,
    start,
  };
}
