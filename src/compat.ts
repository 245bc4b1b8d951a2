import { diag } from '@opentelemetry/api';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TracewiseError } from './errors.js';

/**
 * The runtimes tracewise supports, checked once by initTracing().
 *
 * tracewise is built on the OpenTelemetry JS SDK 2.x (sdk-trace-base 2.x), whose peer range is
 * @opentelemetry/api >=1.3.0 <1.10.0; ours is >=1.9.0 <1.10.0, which npm enforces at install.
 * The OTel JS 3.x line (@opentelemetry/api 1.10, @opentelemetry/core 3.x, Node >= 22.15) is not
 * in that range: npm refuses the install unless forced (--legacy-peer-deps, overrides). When it is
 * forced anyway, tracewise works (spans, context, propagation and registration are checked by
 * test/hardening/otel3Line.test.ts on Node 22 and 24), so API 1.10+ only warns. An API older than
 * 1.9 or of another major, or a Node.js older than 20.6, is refused with a message saying what to do.
 */
export const SUPPORTED_API_RANGE = '>=1.9.0 <1.10.0';
export const MIN_NODE_VERSION = '20.6.0';

export interface RuntimeVersions {
  /** Version of the @opentelemetry/api copy tracewise itself loads (undefined if unknown, e.g. bundled). */
  api: string | undefined;
  /** Version that registered the API's process-wide globals, if any registered yet. */
  globalApi: string | undefined;
  node: string;
}

export interface CompatibilityReport {
  /** Reasons initTracing refuses to start. */
  errors: string[];
  /** Reasons to tell the operator, tracing still starts. */
  warnings: string[];
}

/** The versions of this process. */
export function runtimeVersions(): RuntimeVersions {
  const slot = (globalThis as Record<symbol, { version?: unknown } | undefined>)[Symbol.for('opentelemetry.js.api.1')];
  return {
    api: loadedApiVersion(),
    globalApi: typeof slot?.version === 'string' ? slot.version : undefined,
    node: process.versions.node,
  };
}

/** Pure: what is wrong with these versions, and how to fix it. */
export function checkCompatibility(v: RuntimeVersions): CompatibilityReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (compare(v.node, MIN_NODE_VERSION) < 0) {
    errors.push(`Node.js ${v.node} is not supported (tracewise needs >= ${MIN_NODE_VERSION}; 20, 22 and 24 are tested). Upgrade Node.js.`);
  }
  const api = parse(v.api);
  if (api !== undefined) {
    if (api[0] !== 1 || api[1] < 9) {
      errors.push(
        `@opentelemetry/api ${v.api} is not supported (tracewise needs ${SUPPORTED_API_RANGE}). ` +
          'Install a supported version: npm install @opentelemetry/api@~1.9.0',
      );
    } else if (api[1] >= 10) {
      warnings.push(
        `@opentelemetry/api ${v.api} (the OpenTelemetry JS 3.x line) is outside tracewise's supported range ${SUPPORTED_API_RANGE}, ` +
          'which follows the OpenTelemetry JS SDK 2.x it is built on. It works in our tests, but is unsupported: ' +
          'for a supported setup: npm install @opentelemetry/api@~1.9.0',
      );
    }
  }
  if (v.api !== undefined && v.globalApi !== undefined && v.globalApi !== v.api) {
    warnings.push(
      `The OpenTelemetry API globals were registered by @opentelemetry/api ${v.globalApi}, but tracewise loads ${v.api}: ` +
        'two copies of the API are installed, and the one that registered second cannot register its tracer provider, ' +
        'context manager or propagator. Install a single copy (npm ls @opentelemetry/api; npm dedupe).',
    );
  }
  return { errors, warnings };
}

/** Unsupported runtime: thrown by initTracing(), before anything is registered. */
export class UnsupportedRuntimeError extends TracewiseError {
  constructor(problems: string[]) {
    super('TRACEWISE_UNSUPPORTED_RUNTIME', `tracewise: unsupported runtime: ${problems.join(' ')}`);
    this.name = 'UnsupportedRuntimeError';
  }
}

/**
 * Throws UnsupportedRuntimeError for an unsupported runtime; returns the warnings (also reported
 * through diag) otherwise.
 */
export function assertSupportedRuntime(versions: RuntimeVersions = runtimeVersions()): string[] {
  const { errors, warnings } = checkCompatibility(versions);
  if (errors.length > 0) throw new UnsupportedRuntimeError(errors);
  for (const w of warnings) diag.warn(`tracewise: ${w}`);
  return warnings;
}

let cachedApiVersion: string | undefined | null = null;

/** The version in the package.json of the @opentelemetry/api that `import` resolves to from here. */
function loadedApiVersion(): string | undefined {
  if (cachedApiVersion !== null) return cachedApiVersion;
  cachedApiVersion = undefined;
  try {
    // The package does not export ./package.json: resolve its entry point and walk up.
    let dir = path.dirname(createRequire(import.meta.url).resolve('@opentelemetry/api'));
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'package.json');
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === '@opentelemetry/api' && typeof pkg.version === 'string') {
          cachedApiVersion = pkg.version;
          break;
        }
      } catch {
        /* no package.json here (or not JSON): keep walking up */
      }
      dir = path.dirname(dir);
    }
  } catch {
    /* bundled or unusual layout: the version stays unknown and nothing is reported */
  }
  return cachedApiVersion;
}

function parse(version: string | undefined): [number, number, number] | undefined {
  const m = version === undefined ? null : /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (x === undefined || y === undefined) return 0;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
