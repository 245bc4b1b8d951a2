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

/**
 * Throws InvalidConfigError for the first key of `options` not in `known` (a misspelt option
 * would otherwise do nothing), naming it as `${prefix}${key}`.
 */
export function rejectUnknownOptions(options: object, known: ReadonlySet<string> | readonly string[], prefix = ''): void {
  const has = (key: string) => ('has' in known ? known.has(key) : known.includes(key));
  for (const key of Object.keys(options)) {
    if (!has(key)) throw new InvalidConfigError(`${prefix}${key}`, 'unknown option', `Remove it; known options are: ${[...known].join(', ')}.`);
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
