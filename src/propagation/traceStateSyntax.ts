/**
 * The W3C Trace Context `tracestate` grammar (Level 1 REC and Level 2):
 *   key              = simple-key / multi-tenant-key
 *   simple-key       = lcalpha 0*255( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
 *   multi-tenant-key = tenant-id "@" system-id
 *   tenant-id        = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
 *   system-id        = lcalpha 0*13( lcalpha / DIGIT / "_" / "-" / "*" / "/" )
 *   value            = 0*255( chr ) nblk-chr
 *   nblk-chr         = %x21-2B / %x2D-3C / %x3E-7E      (printable ASCII except `,` and `=`)
 *   chr              = %x20 / nblk-chr
 * Checked with char codes, no regex: the length checks come first, so the scan is bounded.
 */

const SIMPLE_KEY_MAX = 256;
const TENANT_MAX = 241;
const SYSTEM_MAX = 14;
const VALUE_MAX = 256;

export function isTraceStateKey(key: unknown): key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > SIMPLE_KEY_MAX) return false;
  const at = key.indexOf('@');
  if (at === -1) return isLcAlpha(key.charCodeAt(0)) && restIsKeyChars(key, 1, key.length);
  // One `@` only: the rest of the key grammar has no `@` in it.
  if (at === 0 || at > TENANT_MAX || key.length - at - 1 > SYSTEM_MAX || key.length - at - 1 < 1) return false;
  const first = key.charCodeAt(0);
  if (!isLcAlpha(first) && !isDigit(first)) return false;
  if (!restIsKeyChars(key, 1, at)) return false;
  return isLcAlpha(key.charCodeAt(at + 1)) && restIsKeyChars(key, at + 2, key.length);
}

export function isTraceStateValue(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > VALUE_MAX) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x2c || c === 0x3d) return false;
  }
  return value.charCodeAt(value.length - 1) !== 0x20;
}

function restIsKeyChars(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    // lcalpha / DIGIT / "_" / "-" / "*" / "/"
    if (!(isLcAlpha(c) || isDigit(c) || c === 0x5f || c === 0x2d || c === 0x2a || c === 0x2f)) return false;
  }
  return true;
}

function isLcAlpha(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
