/** The client side of broker.ts: one TCP connection, requests answered in order. */
import net from 'node:net';
import type { Message } from './broker.js';

export interface QueueClient {
  publish(queue: string, message: Message): Promise<void>;
  /** Waits for at least one message; returns up to `max`. */
  receive(queue: string, max: number): Promise<Message[]>;
  close(): void;
}

export async function connectQueue(port: number): Promise<QueueClient> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const pending: ((line: string) => void)[] = [];
  let buffered = '';
  socket.on('data', (d) => {
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      pending.shift()?.(line);
    }
  });
  const call = (req: object) =>
    new Promise<string>((resolve) => {
      pending.push(resolve);
      socket.write(JSON.stringify(req) + '\n');
    });
  return {
    publish: async (queue, message) => void (await call({ op: 'publish', queue, message })),
    receive: async (queue, max) => JSON.parse(await call({ op: 'receive', queue, max })) as Message[],
    close: () => socket.end(),
  };
}
