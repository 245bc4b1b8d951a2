import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackApp {
  readonly url: string;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 and a free port. */
export async function startApp(handler: http.RequestListener): Promise<LoopbackApp> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
