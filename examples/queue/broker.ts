/**
 * A minimal message broker for the example, standing in for SQS, RabbitMQ or Kafka: queues of
 * `{ id, body, attributes }` messages over TCP, one JSON document per line. `publish` appends;
 * `receive` long-polls for up to `max` messages. It is infrastructure, so it is not traced: the
 * trace context travels inside the messages' attributes, as with a real broker.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Message {
  id: string;
  body: unknown;
  /** Message attributes / headers: where the producer puts `traceparent`. */
  attributes: Record<string, string>;
}

type Request =
  | { op: 'publish'; queue: string; message: Message }
  | { op: 'receive'; queue: string; max: number };

export interface Broker {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startBroker(): Promise<Broker> {
  const queues = new Map<string, Message[]>();
  const waiting = new Map<string, { max: number; reply: (batch: Message[]) => void }[]>();
  const sockets = new Set<net.Socket>();

  const deliver = (queue: string) => {
    const q = queues.get(queue) ?? [];
    const w = waiting.get(queue) ?? [];
    while (q.length > 0 && w.length > 0) w.shift()!.reply(q.splice(0, w[0]?.max ?? q.length));
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const req = JSON.parse(buffered.slice(0, nl)) as Request;
        buffered = buffered.slice(nl + 1);
        if (req.op === 'publish') {
          queues.set(req.queue, [...(queues.get(req.queue) ?? []), req.message]);
          socket.write('{"ok":true}\n');
        } else {
          const list = waiting.get(req.queue) ?? [];
          list.push({ max: req.max, reply: (batch) => socket.write(JSON.stringify(batch) + '\n') });
          waiting.set(req.queue, list);
        }
        deliver(req.queue);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
