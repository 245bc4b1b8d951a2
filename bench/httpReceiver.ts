/**
 * The OTLP/gRPC receiver of `npm run bench:http`, in its own process so that decoding does not
 * share an event loop with the service or the load generator. Counts spans without keeping them.
 * Sends `{ url }` over IPC once listening, answers `{ spans }` to any message, exits with its parent.
 */
import { startOtlpServer } from '../test/helpers/otlpServer.js';

const server = await startOtlpServer({ record: false });
process.on('message', () => process.send!({ spans: server.spanCount }));
process.on('disconnect', () => void server.stop().finally(() => process.exit(0)));
process.send!({ url: server.url });
