import fc from 'fast-check';
import { decodeSpoolFile, encodeSpoolFile, parseSpoolFileName, spoolFileName, SPOOL_HEADER_BYTES } from '../../../src/export/spoolFile.js';
import { anyText, mutated } from '../arbitraries.js';
import type { FuzzCase } from '../fuzzCase.js';

const payload = fc.uint8Array({ maxLength: 256 });
const spans = fc.integer({ min: 0, max: 0xffffffff });
const validFile = fc.tuple(payload, spans).map(([p, n]) => encodeSpoolFile(p, n));
const name = fc.oneof(
  fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()).map(([t, p, s, n]) => spoolFileName(t, p, s, n)),
  mutated(fc.constant(spoolFileName(1_700_000_000_000, 42, 7, 512))),
  fc.string({ unit: fc.constantFrom('9', '0'), minLength: 300, maxLength: 400 }).map((d) => `tw-1700000000000-1-1-${d}.spool`),
  anyText,
);

export const spoolCases: FuzzCase[] = [
  {
    parser: 'spool file',
    name: 'decode never throws on any bytes and accepts only complete, checksummed files',
    property: () =>
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), validFile.map((f) => f.subarray(0, Math.max(0, f.length - 1)))), (bytes) => {
        const d = decodeSpoolFile(Buffer.from(bytes));
        return d === undefined || (d.payload.length === bytes.length - SPOOL_HEADER_BYTES && Number.isSafeInteger(d.spans));
      }),
  },
  {
    parser: 'spool file',
    name: 'round-trips; any changed byte of magic, version, length, checksum or payload is rejected',
    property: () =>
      fc.property(payload, spans, fc.nat(), fc.integer({ min: 1, max: 255 }), (p, n, at, xor) => {
        const file = encodeSpoolFile(p, n);
        const back = decodeSpoolFile(file);
        if (back === undefined || back.spans !== n || !back.payload.equals(Buffer.from(p))) return false;
        // Bytes 5-7 are reserved and 8-11 hold the span count (see the report in docs/security.md).
        const protectedBytes = [0, 1, 2, 3, 4, ...Array.from({ length: file.length - 12 }, (_, i) => 12 + i)];
        const i = protectedBytes[at % protectedBytes.length];
        const bad = Buffer.from(file);
        bad[i] ^= xor;
        return decodeSpoolFile(bad) === undefined;
      }),
    weight: 0.5,
  },
  {
    parser: 'spool file',
    name: 'file names: never throws; span counts are safe integers; names we write parse back',
    property: () =>
      fc.property(name, fc.integer({ min: 0, max: 9_999_999_999_999 }), fc.nat(), fc.nat(), fc.nat(), (n, now, pid, seq, count) => {
        const parsed = parseSpoolFileName(n);
        if (parsed !== undefined && !(Number.isSafeInteger(parsed.spans) && parsed.spans >= 0)) return false;
        return parseSpoolFileName(spoolFileName(now, pid, seq, count))?.spans === count;
      }),
  },
];
