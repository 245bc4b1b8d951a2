/**
 * A real OTLP/HTTP (binary protobuf) trace receiver on loopback, beside the gRPC one in
 * otlpServer.ts: node:http(s), the same official decoder, gzip request bodies, and fault
 * injection by HTTP status, Retry-After, partial success, delay or hang.
 */
import { createRequire } from 'node:module';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { countWaiter, decodeTraceRequest, type ReceivedSpan, type ServerTls } from './otlpServer.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const root: any = require('@otlp/transformer/build/src/generated/root.js');
const proto = root.opentelemetry.proto.collector.trace.v1;
const gunzipAsync = promisify(gunzip);

export const TRACES_PATH = '/v1/traces';

export interface HttpRequestInfo {
  spans: number;
  headers: http.IncomingHttpHeaders;
  /** Size of the body on the wire (compressed, when gzip). */
  bodyBytes: number;
}

/** What the server answers to one request. Default: 200 with an empty ExportTraceServiceResponse. */
export interface HttpReply {
  status?: number;
  /** Sent as the Retry-After header, verbatim (seconds or an HTTP-date). */
  retryAfter?: string;
  partialSuccess?: { rejectedSpans: number; errorMessage: string };
  delayMs?: number;
  /** Never answers. */
  hang?: boolean;
  /** Whether the spans of a failed request are still recorded (default false). */
  recordOnError?: boolean;
}

export type HttpResponder = (info: HttpRequestInfo) => HttpReply | undefined;

export interface OtlpHttpServer {
  /** The traces URL, `http(s)://127.0.0.1:<port>/v1/traces`. */
  readonly url: string;
  /** `http(s)://127.0.0.1:<port>`, for OTEL_EXPORTER_OTLP_ENDPOINT-style base URLs. */
  readonly baseUrl: string;
  readonly port: number;
  readonly spans: ReceivedSpan[];
  readonly requests: HttpRequestInfo[];
  readonly running: boolean;
  setResponder(fn: HttpResponder | undefined): void;
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /**
   * Stops listening and cuts every connection; `start()` listens again on the same port. With
   * `graceful`, requests already received are answered first (see OtlpServer.stop).
   */
  stop(opts?: { graceful?: boolean }): Promise<void>;
  start(): Promise<void>;
  clear(): void;
}

export async function startOtlpHttpServer(opts: { port?: number; tls?: ServerTls } = {}): Promise<OtlpHttpServer> {
  const spans: ReceivedSpan[] = [];
  const requests: HttpRequestInfo[] = [];
  let responder: HttpResponder | undefined;
  let server: http.Server | undefined;
  let port = opts.port ?? 0;
  const sockets = new Set<Socket>();
  let active = 0;
  const waiter = countWaiter(() => spans.length);
  const timers = new Set<NodeJS.Timeout>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    active++;
    res.on('close', () => active--);
    // A request that comes in while a graceful stop drains the others is refused, unrecorded.
    const stopping = server === undefined;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    if (req.method !== 'POST' || req.url !== TRACES_PATH) {
      res.writeHead(404).end();
      return;
    }
    let decoded: ReceivedSpan[];
    try {
      const body = req.headers['content-encoding'] === 'gzip' ? await gunzipAsync(raw) : raw;
      decoded = decodeTraceRequest(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (stopping) {
      res.writeHead(503).end();
      return;
    }
    const info: HttpRequestInfo = { spans: decoded.length, headers: req.headers, bodyBytes: raw.length };
    requests.push(info);
    const reply = responder?.(info) ?? {};
    if (reply.hang) return;
    const answer = () => {
      const status = reply.status ?? 200;
      const ok = status >= 200 && status < 300;
      if (ok || reply.recordOnError) {
        spans.push(...decoded);
        waiter.notify();
      }
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/x-protobuf' };
      if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
      const resp = ok && reply.partialSuccess ? { partialSuccess: reply.partialSuccess } : {};
      res.writeHead(status, headers).end(ok ? Buffer.from(proto.ExportTraceServiceResponse.encode(resp).finish()) : undefined);
    };
    if (reply.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, reply.delayMs);
      timers.add(t);
    } else answer();
  };

  const start = async () => {
    if (server) return;
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => void handle(req, res);
    const s = opts.tls
      ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: !!opts.tls.ca, rejectUnauthorized: !!opts.tls.ca }, listener)
      : http.createServer(listener);
    s.on('connection', (sock: Socket) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as { port: number }).port;
    server = s;
  };

  const stop = async ({ graceful = false }: { graceful?: boolean } = {}) => {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    if (graceful) {
      // Answer what was received (delayed answers included), then close connections with a FIN
      // so that the last responses are read before the end of the stream.
      const until = Date.now() + 2000;
      while (active > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      for (const sock of sockets) sock.end();
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const sock of sockets) sock.destroy();
    await closed;
  };

  await start();
  const scheme = opts.tls ? 'https' : 'http';
  return {
    get url() {
      return `${scheme}://127.0.0.1:${port}${TRACES_PATH}`;
    },
    get baseUrl() {
      return `${scheme}://127.0.0.1:${port}`;
    },
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
    },
    waitForSpans(n, timeoutMs = 10_000) {
      return waiter.wait(n, timeoutMs).then(() => spans);
    },
    stop,
    start,
  };
}
