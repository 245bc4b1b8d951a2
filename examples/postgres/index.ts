/**
 * `npx tsx examples/postgres/index.ts`: starts a real PostgreSQL server (postgresServer.ts:
 * installs Debian's postgresql package if needed, a throwaway cluster on a free port), seeds a
 * table, runs the catalog service preloaded with instrumentation.ts, sends a few requests, and
 * prints the traces from a loopback OTLP receiver (or sends them to OTEL_EXPORTER_OTLP_ENDPOINT).
 * PostgreSQL is stopped and its data removed at the end.
 */
import pg from 'pg';
import { startPostgres } from './postgresServer.js';
import { runExample, runIfMain, type ReceivedSpan } from '../shared/services.js';

const here = (f: string) => new URL(f, import.meta.url).href;

async function seed(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price_cents int NOT NULL)');
    await client.query("INSERT INTO products VALUES (1, 'book', 1299), (2, 'lamp', 4500)");
  } finally {
    await client.end();
  }
}

export async function main({ log = console.log }: { log?: (line: string) => void } = {}): Promise<ReceivedSpan[]> {
  const db = await startPostgres({ log });
  try {
    log(`PostgreSQL on ${db.url}`);
    await seed(db.url);
    return await runExample(log, async ({ start }) => {
      const app = await start('catalog', here('./app.ts'), { preload: [here('./instrumentation.ts')], env: { DATABASE_URL: db.url } });
      for (const path of ['/products/1', '/products/9', '/report', '/health']) {
        const res = await fetch(`${app.url}${path}`);
        log(`GET ${path} → ${res.status} ${await res.text()}`);
      }
    });
  } finally {
    await db.stop();
  }
}

runIfMain(import.meta.url, main);
