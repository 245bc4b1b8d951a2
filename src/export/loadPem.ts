import { readFile } from 'node:fs/promises';

/**
 * Certificate material given as a file path (the OTEL_* variables) or as PEM bytes (code).
 * Read asynchronously when the transport is set up, never on the hot path. Errors name the
 * option, never the content.
 */
export async function loadPem(option: string, value: string | Uint8Array | undefined): Promise<Buffer | undefined> {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return Buffer.from(value);
  try {
    return await readFile(value);
  } catch (err) {
    throw new Error(`cannot read ${option} file "${value}": ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
