/**
 * One error base class with stable `code`s (undici's convention): callers branch on `code`,
 * never on message text. Errors are only thrown at configuration time (`initTracing()`,
 * sampler factories); nothing on the span hot path throws.
 */
export type TracewiseErrorCode =
  | 'TRACEWISE_INVALID_CONFIG'
  | 'TRACEWISE_SHUTDOWN'
  | 'TRACEWISE_UNSUPPORTED_RUNTIME';

export class TracewiseError extends Error {
  readonly code: TracewiseErrorCode;
  constructor(code: TracewiseErrorCode, message: string) {
    super(message);
    this.name = 'TracewiseError';
    this.code = code;
  }
}

/** A configuration value is wrong. `option` names the field; the message says how to fix it. */
export class InvalidConfigError extends TracewiseError {
  readonly option: string;
  constructor(option: string, problem: string, fix: string) {
    super('TRACEWISE_INVALID_CONFIG', `tracewise: invalid option \`${option}\`: ${problem}. ${fix}`);
    this.name = 'InvalidConfigError';
    this.option = option;
  }
}

/** Returns true when `err` is any tracewise error, also across ESM/CJS copies of the package. */
export function isTracewiseError(err: unknown): err is TracewiseError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    (err as { code: string }).code.startsWith('TRACEWISE_')
  );
}
