/**
 * The OTLP/gRPC receiver of the export benchmark, in its own process so that decoding does not
 * compete with the measured event loop. Driven over IPC by bench/receiver.ts; exits when the
 * parent goes away.
 */
import { startOtlpServer } from '../test/helpers/otlpServer.js';

type Command = { id: number; cmd: 'stats' | 'stop' | 'start' | 'clear' | 'exit' };

const server = await startOtlpServer({ record: false });
let startedAt = Date.now();
let firstRequestAt: number | undefined;
server.setResponder(() => {
  firstRequestAt ??= Date.now();
  return undefined;
});

const stats = () => ({
  spanCount: server.spanCount,
  uniqueSpanCount: server.uniqueSpanCount,
  running: server.running,
  cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  // How long after the last start() the first request arrived.
  firstRequestAfterStartMs: firstRequestAt === undefined ? undefined : firstRequestAt - startedAt,
});

process.on('message', async (m: Command) => {
  if (m.cmd === 'stop') await server.stop();
  if (m.cmd === 'start') {
    await server.start();
    startedAt = Date.now();
    firstRequestAt = undefined;
  }
  if (m.cmd === 'clear') server.clear();
  process.send!({ id: m.id, ...stats() });
  if (m.cmd === 'exit') {
    await server.stop();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0, port: server.port });
