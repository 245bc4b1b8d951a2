/**
 * The soak's collector, run as a child process (bench/soak.ts forks it): an OTLP/gRPC receiver on
 * loopback, configured like test/helpers/otlpServer.ts (TCP_NODELAY, wide HTTP/2 windows), that
 * the parent stops and starts over IPC. Span names are the soak's sequence numbers: each is
 * marked in a byte map, so delivered, unique and duplicate counts are exact at any rate without a
 * set of millions of IDs.
 *
 * IPC: parent → { cmd: 'stop', graceful } | { cmd: 'start' } | { cmd: 'counts' } | { cmd: 'exit' };
 * child → { ready: port } then one reply per command.
 */
import * as grpc from '@grpc/grpc-js';
import type { EventEmitter } from 'node:events';
import type { ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { TRACE_SERVICE_DEFINITION } from '../test/helpers/otlpServer.js';
import { protoFields } from '../test/helpers/protoFields.js';

let seen = new Uint8Array(1 << 20);
let received = 0;
let unique = 0;
let duplicates = 0;
let foreign = 0;

function mark(seq: number): void {
  if (seq >= seen.length) {
    const bigger = new Uint8Array(Math.max(seen.length * 2, seq + 1));
    bigger.set(seen);
    seen = bigger;
  }
  if (seen[seq] === 0) unique++;
  else duplicates++;
  if (seen[seq] < 255) seen[seq]++;
}

/** Walks ExportTraceServiceRequest → ResourceSpans(1) → ScopeSpans(2) → Span(2) → name(5). */
function countSpans(buf: Buffer): void {
  const walk = (start: number, end: number, onLen: (field: number, s: number, e: number) => void) => protoFields(buf, start, end, onLen);
  walk(0, buf.length, (f, s, e) => {
    if (f === 1)
      walk(s, e, (f2, s2, e2) => {
        if (f2 === 2)
          walk(s2, e2, (f3, s3, e3) => {
            if (f3 !== 2) return;
            received++;
            let name = '';
            walk(s3, e3, (f4, s4, e4) => {
              if (f4 === 5) name = buf.toString('latin1', s4, e4);
            });
            const seq = /^\d{1,10}$/.test(name) ? Number(name) : -1;
            if (seq >= 0) mark(seq);
            else foreign++;
          });
      });
  });
}

const EMPTY = Buffer.alloc(0); // an empty ExportTraceServiceResponse

let server: grpc.Server | undefined;
let port = 0;

async function start(): Promise<void> {
  if (server) return;
  const s = new grpc.Server();
  s.addService(TRACE_SERVICE_DEFINITION, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      try {
        countSpans(call.request);
      } catch (e) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: String(e) });
        return;
      }
      callback(null, EMPTY);
    },
  });
  port = await new Promise<number>((resolve, reject) =>
    s.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const h2 = (s as unknown as { http2Servers?: Map<EventEmitter, unknown> }).http2Servers;
  for (const h of h2?.keys() ?? []) {
    h.on('connection', (sock: Socket) => sock.setNoDelay(true));
    h.on('session', (session: ServerHttp2Session) => {
      session.settings({ initialWindowSize: 16 * 1024 * 1024 });
      session.setLocalWindowSize(16 * 1024 * 1024);
    });
  }
  server = s;
}

async function stop(graceful: boolean): Promise<void> {
  const s = server;
  server = undefined;
  if (!s) return;
  if (graceful) {
    // A collector draining on SIGTERM: calls already received are answered; stragglers cut at 2 s.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      s.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  s.forceShutdown();
}

process.on('message', async (m: { cmd: string; graceful?: boolean }) => {
  let error: string | undefined;
  try {
    if (m.cmd === 'stop') await stop(m.graceful !== false);
    else if (m.cmd === 'start') await start();
    else if (m.cmd === 'exit') {
      await stop(false);
      process.exit(0);
    }
  } catch (e) {
    error = String(e);
  }
  process.send!({ cmd: m.cmd, error, received, unique, duplicates, foreign, up: server !== undefined });
});

await start();
process.send!({ ready: port });
