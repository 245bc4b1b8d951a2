import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm run demo', () => {
  it('prints four connected three-service traces, one failing and one slow', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/demo/index.ts'], { cwd: repo, timeout: 60_000 });
    expect(stdout).toContain('Received 35 spans in 4 traces');
    expect(stdout.match(/\(\d+ spans, 3 services\)/g)).toHaveLength(4);
    expect(stdout).toMatch(/inventory: reserve stock .*ERROR \(no stock record for "broken"\)/);
    // A 300 ms sleep: the span clock and the timer clock differ by a fraction of a millisecond.
    expect(stdout).toMatch(/inventory: db\.query SELECT stock .*\| +(?:299|3\d\d)\.\d ms/);
    expect(stdout).toMatch(/^gateway: GET \/checkout/m);
    expect(stdout).toMatch(/^ {6}orders: GET \/reserve/m);
  });
});
