import type { ChildProcess } from 'node:child_process';

/**
 * The port (and case detail) bench/httpService.ts prints as `ready <port> <detail>` once it
 * listens; rejects if the service exits first. `echo` copies its stdout to this process's stderr.
 */
export function serviceReady(child: ChildProcess, name: string, echo = false): Promise<{ port: number; detail: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      if (echo) process.stderr.write(d);
      out += d;
      const m = /ready (\d+) ?(.*)\n/.exec(out);
      if (m) resolve({ port: Number(m[1]), detail: m[2] });
    });
    child.once('exit', (code) => reject(new Error(`service ${name} exited with ${code}`)));
  });
}
