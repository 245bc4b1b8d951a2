import { describe, expect, it } from 'vitest';
import { assertSupportedRuntime, checkCompatibility, runtimeVersions, UnsupportedRuntimeError } from '../../src/compat.js';
import { isTracewiseError } from '../../src/errors.js';

const ok = { api: '1.9.0', globalApi: undefined, node: '20.19.0' };

describe('supported runtimes (src/compat.ts)', () => {
  it('reads the API version tracewise loads and the Node.js version', () => {
    const v = runtimeVersions();
    expect(v.api).toMatch(/^1\.9\.\d+$/);
    expect(v.node).toBe(process.versions.node);
    expect(checkCompatibility(v).errors).toEqual([]);
  });

  it('accepts the supported range without a word', () => {
    expect(checkCompatibility(ok)).toEqual({ errors: [], warnings: [] });
    expect(checkCompatibility({ ...ok, api: '1.9.1', node: '24.0.0', globalApi: '1.9.1' })).toEqual({ errors: [], warnings: [] });
  });

  it('warns for the OTel JS 3.x line (API 1.10+), saying what is supported', () => {
    const { errors, warnings } = checkCompatibility({ ...ok, api: '1.10.0' });
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('@opentelemetry/api 1.10.0');
    expect(warnings[0]).toContain('>=1.9.0 <1.10.0');
    expect(warnings[0]).toContain('npm');
  });

  it('refuses an older API, another major, or an old Node.js, with the fix in the message', () => {
    for (const v of [{ ...ok, api: '1.8.0' }, { ...ok, api: '2.0.0' }, { ...ok, node: '18.20.0' }, { ...ok, node: '20.5.1' }]) {
      let err: unknown;
      try {
        assertSupportedRuntime(v);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnsupportedRuntimeError);
      expect(isTracewiseError(err) && err.code).toBe('TRACEWISE_UNSUPPORTED_RUNTIME');
      expect((err as Error).message).toMatch(/npm install @opentelemetry\/api@~1\.9\.0|Upgrade Node\.js/);
    }
  });

  it('explains two API copies when the globals were registered by another version', () => {
    const { warnings } = checkCompatibility({ ...ok, globalApi: '1.10.0' });
    expect(warnings.join(' ')).toMatch(/registered by @opentelemetry\/api 1\.10\.0.*tracewise loads 1\.9\.0.*npm dedupe/);
  });

  it('an unknown API version (bundled) is not an error', () => {
    expect(checkCompatibility({ ...ok, api: undefined })).toEqual({ errors: [], warnings: [] });
  });
});
