import { diag } from '@opentelemetry/api';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Batch } from './byteBuffer.js';
import type { DropReason } from './exportObserver.js';
import { quietSoon } from './quiet.js';
import { decodeSpoolFile, encodeSpoolFile, parseSpoolFileName, spoolFileName, SPOOL_TMP_SUFFIX, SPOOL_HEADER_BYTES } from './spoolFile.js';

/**
 * A bounded directory of batches waiting for the collector: those evicted from memory and those
 * still pending at shutdown, read back (oldest first) when the collector can take them, also by
 * the next process. All file access is async (the event loop is never blocked); a write goes to a
 * temporary file renamed into place, so a reader never sees half a batch. The directory is
 * created 0700 and files 0600: spans may hold personal data. The spool is meant for one process
 * at a time; two processes sharing a directory may send the same file twice.
 */
export interface Spool {
  /** Resolves once the directory is scanned (never rejects). */
  readonly ready: Promise<void>;
  /** Bytes and spans on disk. */
  readonly bytes: number;
  readonly spans: number;
  /** Whether a file is waiting to be read back (and reading is not paused after an I/O error). */
  hasUnloaded(): boolean;
  /** Payload size of the file `loadNext()` would read (what it takes in memory), 0 when none. */
  nextSize(): number;
  /** Deletes the file `loadNext()` would read, counting its spans under `reason`. */
  discardNext(reason: DropReason): Promise<void>;
  /** Stores a batch, or counts it as dropped. Never rejects. */
  write(batch: Batch): Promise<void>;
  /**
   * Reads back the oldest file not yet in memory; corrupt files are counted, deleted and skipped.
   * After an I/O error it resolves undefined and reading pauses a while (the file stays).
   */
  loadNext(): Promise<Batch | undefined>;
  /** A batch read back was evicted from memory: it stays on disk, to be read again later. */
  unload(file: string): void;
  /** A batch read back was settled (delivered or dropped): delete its file. */
  remove(file: string): Promise<void>;
  /** Resolves when every write started so far is done. */
  idle(): Promise<void>;
}

export interface SpoolOptions {
  directory: string;
  maxBytes: number;
  /** Counts spans lost by the spool. */
  dropped(spans: number, reason: DropReason): void;
  /** Something was stored or deleted. */
  changed(): void;
  /** Counts a completed write. */
  written?(): void;
}

interface Entry {
  name: string;
  bytes: number;
  spans: number;
  /** In memory right now (read back, being sent). */
  loaded: boolean;
  /** Reads that failed with an I/O error (not a bad file): retried, up to READ_ATTEMPTS. */
  readFailures?: number;
}

/** A leftover temporary file older than this is from a crashed writer and is deleted. */
const STALE_TMP_MS = 60_000;
/**
 * A read that fails with an I/O error (too many open files, EIO) is retried after a pause, up to
 * this many times, before the file counts as corrupt: a passing error must not cost its spans.
 */
const READ_ATTEMPTS = 3;
const READ_RETRY_MS = 1000;

let warned = false;
function warnOnce(what: string, err: unknown): void {
  if (warned) return;
  warned = true;
  diag.warn(`tracewise: export spool: ${what}: ${(err as NodeJS.ErrnoException)?.code ?? String(err)}`);
}

export function createSpool(o: SpoolOptions): Spool {
  const entries: Entry[] = []; // oldest first
  let bytes = 0;
  let spans = 0;
  let seq = 0;
  let usable = true;
  /** Reading back pauses until then after an I/O error. */
  let readPausedUntil = 0;
  let chain: Promise<void> = Promise.resolve();

  const forget = (e: Entry) => {
    const i = entries.indexOf(e);
    if (i >= 0) entries.splice(i, 1);
    bytes -= e.bytes;
    spans -= e.spans;
  };
  const del = (name: string) => unlink(join(o.directory, name)).catch(() => undefined);

  /** Deletes the oldest files not in memory until `need` more bytes fit. */
  const makeRoom = (need: number) => {
    while (bytes + need > o.maxBytes) {
      const victim = entries.find((e) => !e.loaded);
      if (!victim) return false;
      forget(victim);
      void del(victim.name);
      o.dropped(victim.spans, 'spool_full');
    }
    return true;
  };

  const scan = async () => {
    await mkdir(o.directory, { recursive: true, mode: 0o700 });
    const now = Date.now();
    for (const name of (await readdir(o.directory)).sort()) {
      const path = join(o.directory, name);
      if (name.endsWith(SPOOL_TMP_SUFFIX) && parseSpoolFileName(name.slice(0, -SPOOL_TMP_SUFFIX.length))) {
        const st = await stat(path).catch(() => undefined);
        if (st && now - st.mtimeMs > STALE_TMP_MS) await del(name);
        continue;
      }
      const parsed = parseSpoolFileName(name);
      if (!parsed) continue; // not ours: leave it alone
      const st = await stat(path).catch(() => undefined);
      if (!st?.isFile()) continue;
      entries.push({ name, bytes: st.size, spans: parsed.spans, loaded: false });
      bytes += st.size;
      spans += parsed.spans;
    }
    makeRoom(0);
  };

  const ready = quietSoon(scan).then(
    () => o.changed(),
    (err) => {
      usable = false;
      warnOnce(`cannot use directory`, err);
    },
  );

  const store = async (b: Batch) => {
    await ready;
    if (!usable) return o.dropped(b.spans, 'spool_error');
    const data = encodeSpoolFile(b.bytes, b.spans);
    if (data.length > o.maxBytes || !makeRoom(data.length)) return o.dropped(b.spans, 'spool_full');
    const name = spoolFileName(Date.now(), process.pid, seq++, b.spans);
    const tmp = join(o.directory, name + SPOOL_TMP_SUFFIX);
    // Reserve the space before the write so that concurrent evictions see it.
    const e: Entry = { name, bytes: data.length, spans: b.spans, loaded: false };
    bytes += e.bytes;
    spans += e.spans;
    try {
      await writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
      await rename(tmp, join(o.directory, name));
      entries.push(e);
      o.written?.();
    } catch (err) {
      bytes -= e.bytes;
      spans -= e.spans;
      await unlink(tmp).catch(() => undefined);
      warnOnce('cannot write', err);
      o.dropped(b.spans, 'spool_error');
    }
    o.changed();
  };

  return {
    ready,
    get bytes() {
      return bytes;
    },
    get spans() {
      return spans;
    },
    hasUnloaded: () => Date.now() >= readPausedUntil && entries.some((e) => !e.loaded),
    nextSize: () => Math.max(0, (entries.find((e) => !e.loaded)?.bytes ?? 0) - SPOOL_HEADER_BYTES),
    async discardNext(reason) {
      const e = entries.find((x) => !x.loaded);
      if (!e) return;
      forget(e);
      o.dropped(e.spans, reason);
      await del(e.name);
      o.changed();
    },
    write(b) {
      // One write at a time, in order: files keep their age order and a burst of evictions does
      // not open hundreds of descriptors at once.
      const p = chain.then(() => store(b));
      chain = p;
      return p;
    },
    async loadNext() {
      await ready;
      for (;;) {
        const e = entries.find((x) => !x.loaded);
        if (!e) return undefined;
        e.loaded = true;
        const file = await readFile(join(o.directory, e.name)).catch((err: NodeJS.ErrnoException) => err);
        if (file instanceof Error && file.code !== 'ENOENT' && (e.readFailures = (e.readFailures ?? 0) + 1) < READ_ATTEMPTS) {
          // Left on disk, to be read again after a pause (the pipeline asks again when told).
          e.loaded = false;
          warnOnce('cannot read a file, retrying', file);
          readPausedUntil = Date.now() + READ_RETRY_MS;
          setTimeout(() => o.changed(), READ_RETRY_MS).unref();
          return undefined;
        }
        const decoded = !(file instanceof Error) && decodeSpoolFile(file);
        if (decoded && decoded.spans === e.spans) return { bytes: decoded.payload, spans: decoded.spans, spoolFile: e.name };
        // Unreadable, torn or tampered with: count what the name says it held, and move on.
        forget(e);
        await del(e.name);
        o.dropped(e.spans, 'spool_corrupt');
        o.changed();
      }
    },
    unload(name) {
      const e = entries.find((x) => x.name === name);
      if (e) e.loaded = false;
    },
    async remove(name) {
      const e = entries.find((x) => x.name === name);
      if (e) forget(e);
      await del(name);
      o.changed();
    },
    idle: () => chain,
  };
}
