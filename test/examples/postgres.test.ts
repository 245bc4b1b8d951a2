import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { main } from '../../examples/postgres/index.js';
import { expectChildOf, KIND, one } from './spanQueries.js';

const pgDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('tracewise-pg-'));

describe('examples/postgres', () => {
  it('traces queries against a real PostgreSQL server as children of the HTTP request span', async () => {
    const before = new Set(pgDirs());
    const spans = await main({ log: () => {} });
    // the example stopped its PostgreSQL and removed the cluster
    expect(pgDirs().filter((d) => !before.has(d) && existsSync(`${tmpdir()}/${d}`))).toEqual([]);

    const servers = spans.filter((s) => s.kind === KIND.SERVER);
    expect(servers.map((s) => s.name).sort()).toEqual(['GET /products/:id', 'GET /products/:id', 'GET /report']);
    for (const server of servers) {
      const query = one(spans, (s) => s.traceId === server.traceId && s.name.startsWith('pg.query'), `the query of ${server.name}`);
      expect(query.kind).toBe(KIND.CLIENT);
      expect(query.scope).toBe('@opentelemetry/instrumentation-pg');
      expect(query.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'db.namespace': 'postgres', 'server.address': '127.0.0.1' });
      expect(query.attributes['server.port']).toBeTypeOf('number');
      expectChildOf(query, server);
      const pool = one(spans, (s) => s.traceId === server.traceId && s.name === 'pg-pool.connect', `the pool checkout of ${server.name}`);
      expectChildOf(pool, server);
    }
    const select = spans.filter((s) => s.attributes['db.query.text'] === 'SELECT id, name, price_cents FROM products WHERE id = $1');
    expect(select).toHaveLength(2);
    expect(select.every((s) => s.status.code === 0)).toBe(true);
    const failed = one(spans, (s) => s.attributes['db.query.text'] === 'SELECT count(*) FROM sales', 'the failing query');
    expect(failed.status).toEqual({ code: 2, message: 'relation "sales" does not exist' });
    const report = one(servers, (s) => s.name === 'GET /report', 'the report request');
    expect(report.status.code).toBe(2);
    expect(report.attributes['http.response.status_code']).toBe(500);
  });
});
