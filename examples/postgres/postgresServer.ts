/**
 * A throwaway PostgreSQL server for the example and its test: `startPostgres()` finds the server
 * binaries (installing Debian's `postgresql` package with apt-get when they are missing and we are
 * root), creates a cluster in a temporary directory, starts it on 127.0.0.1 and a free port, and
 * `stop()` stops it and removes the directory. As root, the server runs as the `postgres` user
 * (created if needed): PostgreSQL refuses to run as root.
 *
 * Standalone: `npx tsx examples/postgres/postgresServer.ts` starts one, prints its URL and stops it
 * on Ctrl-C.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface Postgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback). */
  readonly url: string;
  stop(): Promise<void>;
}

const run = promisify(execFile);
const isRoot = () => process.getuid?.() === 0;

/** The directory holding initdb and pg_ctl: $PG_BIN, Debian's /usr/lib/postgresql/<v>/bin, or PATH. */
export function findPostgresBin(): string | undefined {
  const candidates = [process.env.PG_BIN];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  candidates.push(...(process.env.PATH ?? '').split(path.delimiter));
  return candidates.find((dir) => dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
}

/** Installs Debian's postgresql package when no server binaries are found (root only). */
export function ensurePostgresInstalled(log: (line: string) => void = console.error): string {
  const found = findPostgresBin();
  if (found) return found;
  if (!isRoot()) {
    throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian/Ubuntu: sudo apt-get install -y postgresql) or set PG_BIN.');
  }
  log('initdb not found: installing postgresql with apt-get...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env });
  const installed = findPostgresBin();
  if (!installed) throw new Error('apt-get installed postgresql, but initdb is still not found');
  return installed;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The account the server runs as when we are root: `postgres`, created when missing. */
function serverUser(): { name: string; uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { name: 'postgres', uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return { name: 'postgres', uid: id('-u'), gid: id('-g') };
  }
}

export async function startPostgres({ log = console.error }: { log?: (line: string) => void } = {}): Promise<Postgres> {
  const bin = ensurePostgresInstalled(log);
  const dir = mkdtempSync(path.join(tmpdir(), 'tracewise-pg-'));
  const data = path.join(dir, 'data');
  const user = isRoot() ? serverUser() : undefined;
  if (user) chownSync(dir, user.uid, user.gid);
  const asServer = (cmd: string, args: string[]) =>
    user ? run('runuser', ['-u', user.name, '--', path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args);

  const port = await freePort();
  try {
    await asServer('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
    await asServer('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '30', 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      stopped ??= asServer('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).then(
        () => rmSync(dir, { recursive: true, force: true }),
        (err: unknown) => {
          rmSync(dir, { recursive: true, force: true });
          throw err;
        },
      );
      return stopped;
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pg = await startPostgres();
  console.log(`PostgreSQL running: ${pg.url} (Ctrl-C stops it and removes its data)`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void pg.stop().then(() => process.exit(0)));
}
