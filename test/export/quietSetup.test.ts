/**
 * "Exporting never creates spans of its own", for the exporter's setup too: under initTracing()
 * (which builds the pipeline before it registers the context manager), the certificate files are
 * read and the spool directory scanned with tracing suppressed. The probe is what an fs
 * instrumentation does: it wraps node:fs/promises and looks at the active context on each call.
 */
import { context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initTracing } from '../../src/index.js';
import { onCleanup, waitFor } from './pipelineHarness.js';

const fsp = createRequire(import.meta.url)('node:fs/promises') as Record<string, (...args: unknown[]) => unknown>;
const PROBED = ['readFile', 'readdir', 'mkdir', 'stat'] as const;

/** Records, for each probed call on a path under `dir`, whether tracing was suppressed. */
function probeFs(dir: string): [string, boolean][] {
  const seen: [string, boolean][] = [];
  const originals = PROBED.map((name) => [name, fsp[name]] as const);
  for (const [name, original] of originals) {
    fsp[name] = function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'string' && args[0].startsWith(dir)) seen.push([`${name} ${args[0].slice(dir.length)}`, isTracingSuppressed(context.active())]);
      return original.apply(this, args);
    };
  }
  syncBuiltinESMExports();
  onCleanup(async () => {
    for (const [name, original] of originals) fsp[name] = original;
    syncBuiltinESMExports();
  });
  return seen;
}

describe.each(['grpc', 'http/protobuf'] as const)('exporter setup over %s under initTracing()', (protocol) => {
  it('reads certificate files and scans the spool with tracing suppressed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tw-quiet-'));
    onCleanup(() => rm(dir, { recursive: true, force: true }));
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    const seen = probeFs(dir);
    const endpoint = protocol === 'grpc' ? 'http://127.0.0.1:1' : 'http://127.0.0.1:1/v1/traces';
    const tracing = initTracing({
      endpoint,
      protocol,
      spoolDirectory: join(dir, 'spool'),
      export: { certificate: ca },
      flushOnExit: false,
      logLevel: 'none',
    });
    onCleanup(() => tracing.shutdown());
    await waitFor(() => seen.some(([call]) => call.startsWith('readdir')) && seen.some(([call]) => call.startsWith('readFile /ca.pem')));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.filter(([, suppressed]) => !suppressed)).toEqual([]);
  });
});
