import { InvalidConfigError, rejectUnknownOptions } from '../errors.js';
import type { ExportPipelineOptions } from './exportPipelineOptions.js';
import { headerRule, isHeaderName, isHeaderValue } from './headerRules.js';

const HOUR = 3_600_000;

/** The options createExportPipeline() knows; any other key is a typo that would go unnoticed. */
const KNOWN_OPTIONS = [
  'protocol', 'endpoint', 'headers', 'compression', 'exportTimeout', 'insecure', 'certificate', 'clientKey',
  'clientCertificate', 'exportBatchSize', 'exportInterval', 'maxConcurrentExports', 'maxBatchBytes', 'maxBufferBytes',
  'retry', 'spoolDirectory', 'maxSpoolBytes', 'flushTimeout', 'observer',
];
const KNOWN_RETRY_OPTIONS = ['initialBackoff', 'maxBackoff', 'maxUnreachableBackoff', 'multiplier', 'maxServerDelay'];

function checkNumber(
  option: string,
  value: unknown,
  { min, max, integer = false, unit = '' }: { min: number; max: number; integer?: boolean; unit?: string },
): void {
  if (value === undefined) return;
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
  if (!ok) {
    throw new InvalidConfigError(
      option,
      `expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}${unit}, got ${typeof value === 'number' ? value : typeof value}`,
      `Pass a value in that range, or leave \`${option}\` out for the default.`,
    );
  }
}

function checkPem(option: string, value: unknown): void {
  if (value === undefined || value instanceof Uint8Array) return;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidConfigError(option, 'expected a file path or the PEM bytes', 'Pass a path (string) or a Buffer holding the PEM text.');
  }
}

/**
 * The endpoint as error messages may show it: credentials (`user:password@`), the query string
 * (signed URLs) and the fragment masked, since the error may be logged.
 */
function shown(endpoint: string): string {
  // The query and fragment first: an '@' in them must not hide them from the next step.
  const q = endpoint.search(/[?#]/);
  const kept = q === -1 ? endpoint : `${endpoint.slice(0, q)}${endpoint[q]}***`;
  const scheme = kept.indexOf('//');
  const start = scheme === -1 ? 0 : scheme + 2;
  // Up to the last '@': a malformed password may hold any character.
  const at = kept.lastIndexOf('@');
  return `"${at < start ? kept : `${kept.slice(0, start)}***${kept.slice(at)}`}"`;
}

function checkEndpoint(protocol: string, endpoint: unknown): void {
  if (endpoint === undefined) return;
  const bad = (problem: string, fix: string) => new InvalidConfigError('endpoint', problem, fix);
  if (typeof endpoint !== 'string' || endpoint.trim() === '') throw bad('expected a non-empty string', 'Pass a URL such as http://collector:4317.');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint);
  if (!hasScheme) {
    if (protocol === 'http/protobuf') throw bad(`${shown(endpoint)} is not a URL`, 'Use http://host:4318/v1/traces or https://….');
    if (!/^[^\s/]+:\d+\/?$/.test(endpoint)) throw bad(`${shown(endpoint)} is not host:port`, 'Use host:port or http(s)://host:port.');
    return;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw bad(`${shown(endpoint)} is not a valid URL`, 'Use http(s)://host:port[/path].');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw bad(`unsupported scheme "${url.protocol}"`, 'Use http:// (plaintext) or https:// (TLS).');
  }
}

/**
 * Throws InvalidConfigError for an option given in code that cannot work. Environment values are
 * checked separately by exporterOptionsFromEnv, which warns and falls back instead of throwing.
 * Error messages never include header values or key material.
 */
export function validateExportOptions(options: ExportPipelineOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidConfigError('options', 'expected an object', 'Pass an options object (or nothing).');
  }
  const o = options;
  rejectUnknownOptions(o, KNOWN_OPTIONS);
  const protocol = o.protocol ?? 'grpc';
  if (protocol !== 'grpc' && protocol !== 'http/protobuf') {
    throw new InvalidConfigError('protocol', `"${String(protocol)}" is not supported`, 'Use "grpc" or "http/protobuf".');
  }
  checkEndpoint(protocol, o.endpoint);
  if (o.headers !== undefined) {
    if (typeof o.headers !== 'object' || o.headers === null) {
      throw new InvalidConfigError('headers', 'expected an object of header names to values', 'Pass e.g. { "api-key": "…" }.');
    }
    const rule = headerRule(protocol);
    for (const [k, v] of Object.entries(o.headers)) {
      // The name is not echoed: a malformed one is often a pasted `Authorization: Bearer …` line.
      if (!isHeaderName(k, protocol)) throw new InvalidConfigError('headers', `a header name is not valid for ${protocol}`, `Use ${rule.name}.`);
      if (!isHeaderValue(v, protocol)) {
        throw new InvalidConfigError(
          'headers',
          `the value of "${k}" is not a string ${protocol} can carry`,
          `Pass a single-line string of ${rule.value}; encode anything else (percent-encoding, base64) as the collector expects.`,
        );
      }
    }
  }
  if (o.compression !== undefined && o.compression !== 'gzip' && o.compression !== 'none') {
    throw new InvalidConfigError('compression', `"${String(o.compression)}" is not supported`, 'Use "gzip" or "none".');
  }
  if (o.insecure !== undefined && typeof o.insecure !== 'boolean') {
    throw new InvalidConfigError('insecure', 'expected a boolean', 'Pass true or false.');
  }
  checkPem('certificate', o.certificate);
  checkPem('clientKey', o.clientKey);
  checkPem('clientCertificate', o.clientCertificate);
  if ((o.clientKey === undefined) !== (o.clientCertificate === undefined)) {
    throw new InvalidConfigError(
      o.clientKey === undefined ? 'clientKey' : 'clientCertificate',
      'mTLS needs both the client key and the client certificate',
      'Pass both `clientKey` and `clientCertificate`, or neither.',
    );
  }
  checkNumber('exportTimeout', o.exportTimeout, { min: 1, max: HOUR, unit: ' ms' });
  checkNumber('exportBatchSize', o.exportBatchSize, { min: 1, max: 1_000_000, integer: true });
  checkNumber('exportInterval', o.exportInterval, { min: 1, max: HOUR, unit: ' ms' });
  checkNumber('maxConcurrentExports', o.maxConcurrentExports, { min: 1, max: 256, integer: true });
  checkNumber('maxBatchBytes', o.maxBatchBytes, { min: 1024, max: 2 ** 31, integer: true, unit: ' bytes' });
  checkNumber('maxBufferBytes', o.maxBufferBytes, { min: 1024, max: 2 ** 40, integer: true, unit: ' bytes' });
  checkNumber('maxSpoolBytes', o.maxSpoolBytes, { min: 1024, max: 2 ** 50, integer: true, unit: ' bytes' });
  checkNumber('flushTimeout', o.flushTimeout, { min: 1, max: HOUR, unit: ' ms' });
  if (o.spoolDirectory !== undefined && (typeof o.spoolDirectory !== 'string' || o.spoolDirectory.trim() === '')) {
    throw new InvalidConfigError('spoolDirectory', 'expected a directory path', 'Pass a path, or leave it out to keep the spool off.');
  }
  if (o.retry !== undefined) {
    const r = o.retry;
    if (typeof r !== 'object' || r === null) throw new InvalidConfigError('retry', 'expected an object of retry options', 'Pass e.g. { maxBackoff: 10000 }.');
    rejectUnknownOptions(r, KNOWN_RETRY_OPTIONS, 'retry.');
    checkNumber('retry.initialBackoff', r.initialBackoff, { min: 1, max: HOUR, unit: ' ms' });
    checkNumber('retry.maxBackoff', r.maxBackoff, { min: 1, max: HOUR, unit: ' ms' });
    checkNumber('retry.maxUnreachableBackoff', r.maxUnreachableBackoff, { min: 1, max: HOUR, unit: ' ms' });
    checkNumber('retry.multiplier', r.multiplier, { min: 1, max: 10 });
    checkNumber('retry.maxServerDelay', r.maxServerDelay, { min: 0, max: 24 * HOUR, unit: ' ms' });
  }
  if (o.observer !== undefined) {
    if (typeof o.observer !== 'object' || o.observer === null) {
      throw new InvalidConfigError('observer', 'expected an object of optional hook functions', 'Pass e.g. { onDropped(n, reason) {…} }.');
    }
    for (const [k, v] of Object.entries(o.observer)) {
      if (v !== undefined && typeof v !== 'function') throw new InvalidConfigError(`observer.${k}`, 'expected a function', 'Pass a function or leave it out.');
    }
  }
}
