import * as http from 'node:http';
import * as https from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { ResolvedExportOptions } from './exportPipelineOptions.js';
import { successOutcome } from './exportResponse.js';
import { loadPem } from './loadPem.js';
import { quietSoon } from './quiet.js';
import { parseRetryAfter } from './retryAfter.js';
import { isRetryableHttpStatus } from './retryPolicy.js';
import { ABORTED, afterSetup, type SendOutcome, type Transport } from './transport.js';

// zlib's callback API runs on the thread pool: compressing never blocks the event loop.
const gzip = promisify(gzipCb);

/** Responses are small (a partial success at most); a larger body is not read further. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Network errors meaning no collector took the request: retry soon, and cheaply. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

interface Setup {
  url: URL;
  request: typeof http.request;
  agent: http.Agent;
  headers: Record<string, string>;
}

/** OTLP/HTTP with binary protobuf bodies, on node:http(s) with keep-alive connections. */
export function createHttpTransport(o: ResolvedExportOptions): Transport {
  let agent: http.Agent | undefined;
  const setup: Promise<Setup> = quietSoon(async () => {
    const url = new URL(o.endpoint);
    const secure = url.protocol === 'https:';
    const [ca, key, cert] = await Promise.all([
      loadPem('certificate', o.certificate),
      loadPem('clientKey', o.clientKey),
      loadPem('clientCertificate', o.clientCertificate),
    ]);
    const agentOptions = { keepAlive: true, maxSockets: o.maxConcurrentExports };
    agent = secure ? new https.Agent({ ...agentOptions, ca, key, cert }) : new http.Agent(agentOptions);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers)) headers[k.toLowerCase()] = v;
    headers['content-type'] = 'application/x-protobuf';
    headers['user-agent'] = 'tracewise';
    if (o.compression === 'gzip') headers['content-encoding'] = 'gzip';
    return { url, request: secure ? https.request : http.request, agent, headers };
  });
  setup.catch(() => undefined); // reported through send() outcomes

  const post = (s: Setup, payload: Uint8Array, timeoutMs: number, signal: AbortSignal) =>
    new Promise<SendOutcome>((resolve) => {
      if (signal.aborted) return resolve(ABORTED);
      let timedOut = false;
      let settled = false;
      const done = (out: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(out);
      };
      const req = s.request(s.url, {
        method: 'POST',
        agent: s.agent,
        headers: { ...s.headers, 'content-length': String(payload.byteLength) },
      });
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error('export request timed out'));
      }, timeoutMs);
      timer.unref();
      const onAbort = () => req.destroy(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });

      req.on('error', (err: NodeJS.ErrnoException) => {
        const unreachable = !timedOut && UNREACHABLE_CODES.has(err.code ?? '');
        done({
          ok: false,
          // Connection-level errors are retryable per the OTLP spec, whatever the code.
          retryable: true,
          unreachable,
          failure: timedOut ? 'timeout' : unreachable ? 'unreachable' : 'network',
          message: timedOut ? 'timed out' : (err.code ?? err.message),
        });
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
        });
        res.on('error', () => undefined); // 'close' below settles
        res.on('close', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            return done(successOutcome(res.complete && size <= MAX_RESPONSE_BYTES ? Buffer.concat(chunks) : undefined));
          }
          const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
          done({
            ok: false,
            retryable: isRetryableHttpStatus(status),
            unreachable: false,
            retryAfterMs: isRetryableHttpStatus(status) ? retryAfterMs : undefined,
            failure: `http_${status}`,
            message: `HTTP ${status} ${res.statusMessage ?? ''}`.trim(),
          });
        });
      });
      req.end(payload);
    });

  return {
    // With gzip only zlib reads `body`, before the request starts. Without, the socket writes from
    // it, and a server may answer before reading the whole request while a write is pending.
    releasesBodyOnSuccess: o.compression === 'gzip',
    // A failure can be known (a timeout, an early answer) while zlib or the socket still reads it.
    releasesBodyOnFailure: false,
    send(body, timeoutMs, signal) {
      return afterSetup(setup, async (s) => post(s, o.compression === 'gzip' ? await gzip(body) : body, timeoutMs, signal));
    },
    async close() {
      await setup.catch(() => undefined);
      agent?.destroy();
    },
  };
}
