import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('examples/log-correlation', () => {
  it('stamps log lines inside spans with the span’s trace and span IDs', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/log-correlation/index.ts'], { cwd: repo, timeout: 30_000 });
    const logs = stdout.split('\n').filter((l) => l.startsWith('{"msg"')).map((l) => JSON.parse(l));
    expect(logs).toHaveLength(3);
    expect(logs[0]).toEqual({ msg: 'starting' });
    expect(logs[1].trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(logs[2].trace_id).toBe(logs[1].trace_id);
    expect(logs[2].span_id).not.toBe(logs[1].span_id);
    expect(logs[1].trace_flags).toBe('03');
    // the printed spans carry the same IDs
    expect(stdout).toContain(`id: '${logs[1].span_id}'`);
    expect(stdout).toContain(`parentSpanContext: {\n    traceId: '${logs[1].trace_id}',\n    spanId: '${logs[1].span_id}'`);
  });
});
