/** Starts bench/receiverProcess.ts in a child process and talks to it. Always `close()` it. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ReceiverStats {
  spanCount: number;
  uniqueSpanCount: number;
  running: boolean;
  /** CPU time the receiver process has used. */
  cpuMs: number;
  firstRequestAfterStartMs?: number;
}

export interface Receiver {
  url: string;
  stats(): Promise<ReceiverStats>;
  stop(): Promise<ReceiverStats>;
  start(): Promise<ReceiverStats>;
  clear(): Promise<ReceiverStats>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const script = fileURLToPath(new URL('./receiverProcess.ts', import.meta.url));
  const child: ChildProcess = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let next = 1;
  const pending = new Map<number, (v: ReceiverStats & { port?: number }) => void>();
  child.on('message', (m: { id: number } & ReceiverStats & { port?: number }) => pending.get(m.id)?.(m));
  const call = (cmd: string) =>
    new Promise<ReceiverStats>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => reject(new Error(`receiver did not answer ${cmd}`)), 30_000);
      pending.set(id, (v) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(v);
      });
      child.send({ id, cmd });
    });
  const ready = await new Promise<{ port?: number }>((resolve, reject) => {
    pending.set(0, resolve);
    child.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${ready.port}`,
    stats: () => call('stats'),
    stop: () => call('stop'),
    start: () => call('start'),
    clear: () => call('clear'),
    async close() {
      process.off('exit', kill);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      await call('exit').catch(() => undefined);
      const t = setTimeout(kill, 2000);
      await exited;
      clearTimeout(t);
    },
  };
}
