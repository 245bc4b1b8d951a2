/** The disk spool on a real temporary directory: format, permissions, bounds, corruption. */
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DropReason } from '../../src/export/exportObserver.js';
import { createSpool } from '../../src/export/spool.js';
import { decodeSpoolFile, encodeSpoolFile, parseSpoolFileName, spoolFileName } from '../../src/export/spoolFile.js';
import { onCleanup, sleep } from './pipelineHarness.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tw-spool-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function spoolIn(directory: string, maxBytes = 1 << 20) {
  const dropped: [number, DropReason][] = [];
  const spool = createSpool({ directory, maxBytes, dropped: (n, r) => dropped.push([n, r]), changed: () => undefined });
  return { spool, dropped };
}

const batch = (n: number, fill = n) => ({ bytes: new Uint8Array(100).fill(fill), spans: n });

describe('spool file format', () => {
  it('round-trips and rejects truncated, flipped or foreign bytes', () => {
    const payload = Buffer.from('an encoded ExportTraceServiceRequest');
    const file = encodeSpoolFile(payload, 7);
    expect(decodeSpoolFile(file)).toEqual({ payload, spans: 7 });
    expect(decodeSpoolFile(file.subarray(0, file.length - 1))).toBeUndefined();
    const flipped = Buffer.from(file);
    flipped[flipped.length - 3] ^= 1;
    expect(decodeSpoolFile(flipped)).toBeUndefined();
    expect(decodeSpoolFile(Buffer.from('not a spool file at all, but long enough'))).toBeUndefined();
    expect(decodeSpoolFile(Buffer.alloc(0))).toBeUndefined();
  });

  it('names sort by age and carry the span count', () => {
    const a = spoolFileName(1_700_000_000_000, 42, 9, 512);
    const b = spoolFileName(1_700_000_000_000, 42, 10, 3);
    expect(a < b).toBe(true);
    expect(parseSpoolFileName(a)).toEqual({ spans: 512 });
    expect(parseSpoolFileName('notes.txt')).toBeUndefined();
  });
});

describe('spool', () => {
  it('creates its directory 0700 and files 0600, written atomically', async () => {
    const dir = join(await tempDir(), 'nested', 'spool');
    const { spool } = spoolIn(dir);
    await spool.write(batch(3));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.spool$/); // no temporary file left behind
    expect((await stat(join(dir, files[0]))).mode & 0o777).toBe(0o600);
    expect(spool.spans).toBe(3);
  });

  it('reads batches back oldest first and deletes them once settled', async () => {
    const dir = await tempDir();
    const { spool } = spoolIn(dir);
    await spool.write(batch(1));
    await spool.write(batch(2));
    const first = await spool.loadNext();
    const second = await spool.loadNext();
    expect([first?.spans, second?.spans]).toEqual([1, 2]);
    expect(Buffer.from(first!.bytes)).toEqual(Buffer.from(batch(1).bytes));
    expect(await spool.loadNext()).toBeUndefined();
    // Evicted from memory: read again later.
    spool.unload(second!.spoolFile!);
    expect(spool.hasUnloaded()).toBe(true);
    await spool.remove(first!.spoolFile!);
    expect(await readdir(dir)).toHaveLength(1);
    expect(spool.spans).toBe(2);
  });

  it('stays within its size by deleting the oldest files, counted as spool_full', async () => {
    const dir = await tempDir();
    const fileSize = encodeSpoolFile(batch(1).bytes, 1).length;
    const { spool, dropped } = spoolIn(dir, fileSize * 3);
    for (let i = 1; i <= 5; i++) await spool.write(batch(i));
    expect(dropped).toEqual([
      [1, 'spool_full'],
      [2, 'spool_full'],
    ]);
    expect(spool.bytes).toBeLessThanOrEqual(fileSize * 3);
    expect((await readdir(dir)).length).toBe(3);
    expect((await spool.loadNext())?.spans).toBe(3);
  });

  it('skips, counts and deletes a corrupt file; ignores files that are not its own', async () => {
    const dir = await tempDir();
    const corrupt = spoolFileName(Date.now() - 1000, 1, 0, 40);
    await writeFile(join(dir, corrupt), Buffer.from('garbage'));
    await writeFile(join(dir, 'README'), 'not a spool file');
    const good = encodeSpoolFile(Buffer.from('payload'), 5);
    await writeFile(join(dir, spoolFileName(Date.now(), 1, 1, 5)), good);
    const { spool, dropped } = spoolIn(dir);
    const b = await spool.loadNext();
    expect(b?.spans).toBe(5);
    expect(dropped).toEqual([[40, 'spool_corrupt']]);
    expect((await readdir(dir)).sort()).toEqual(['README', b!.spoolFile!].sort());
  });

  it('retries a file it cannot read for a while (an I/O error, not a bad file) before counting it corrupt', async () => {
    const dir = await tempDir();
    const { spool, dropped } = spoolIn(dir);
    await spool.write(batch(7));
    const [name] = await readdir(dir);
    const saved = await readFile(join(dir, name));
    // The path answers EISDIR for a while: an error of the disk, not of the file's contents.
    await rm(join(dir, name));
    await mkdir(join(dir, name));
    expect(await spool.loadNext()).toBeUndefined();
    expect(dropped).toEqual([]);
    expect(spool.hasUnloaded()).toBe(false); // paused
    await rmdir(join(dir, name));
    await writeFile(join(dir, name), saved);
    await sleep(1050);
    expect(spool.hasUnloaded()).toBe(true);
    expect((await spool.loadNext())?.spans).toBe(7);
    expect(dropped).toEqual([]);
  });

  it('counts a file that stays unreadable as corrupt after three attempts', async () => {
    const dir = await tempDir();
    const { spool, dropped } = spoolIn(dir);
    await spool.write(batch(9));
    const [name] = await readdir(dir);
    await rm(join(dir, name));
    await mkdir(join(dir, name));
    expect(await spool.loadNext()).toBeUndefined();
    expect(await spool.loadNext()).toBeUndefined();
    expect(dropped).toEqual([]);
    expect(await spool.loadNext()).toBeUndefined(); // third failure: corrupt, and nothing else left
    expect(dropped).toEqual([[9, 'spool_corrupt']]);
  });

  it('removes stale temporary files left by a crash, keeps fresh ones', async () => {
    const dir = await tempDir();
    const stale = spoolFileName(1, 1, 0, 1) + '.tmp';
    const fresh = spoolFileName(2, 1, 1, 1) + '.tmp';
    await writeFile(join(dir, stale), 'x');
    await writeFile(join(dir, fresh), 'x');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(join(dir, stale), old, old);
    const { spool } = spoolIn(dir);
    await spool.ready;
    expect(await readdir(dir)).toEqual([fresh]);
  });

  it('counts a batch it cannot write as spool_error and does not throw', async () => {
    const dir = await tempDir();
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const { spool, dropped } = spoolIn(join(file, 'spool')); // a directory under a file
    await spool.write(batch(9));
    expect(dropped).toEqual([[9, 'spool_error']]);
    expect(await readFile(file, 'utf8')).toBe('x');
  });
});
