import { envBoolean, envKeyValueList, envNumber, envString, warnBadEnv, type Env } from '../env.js';
import type { ExportCompression, ExportPipelineOptions, ExportProtocol } from './exportPipelineOptions.js';
import { isHeaderName, isHeaderValue } from './headerRules.js';

/** The variable of a setting: OTEL_EXPORTER_OTLP_TRACES_<name> when set, else the generic one. */
function pickVar(env: Env, name: string): string {
  const traces = `OTEL_EXPORTER_OTLP_TRACES_${name}`;
  return envString(env, traces) !== undefined ? traces : `OTEL_EXPORTER_OTLP_${name}`;
}

/** The protocol the environment names, when it is one tracewise speaks (reported by exporterOptionsFromEnv otherwise). */
export function protocolFromEnv(env: Env): ExportProtocol | undefined {
  const v = envString(env, pickVar(env, 'PROTOCOL'));
  return v === 'grpc' || v === 'http/protobuf' ? v : undefined;
}

/**
 * Exporter options from the OTEL_EXPORTER_OTLP_* variables (and the batch-size and delay
 * variables of the batch span processor, which this pipeline replaces). Returns only what is
 * set, so that options given in code can be spread over it. A `TRACES_` variable wins over the
 * generic one. Bad values are reported once (never header values or file contents) and left out.
 *
 * `protocol`: the protocol chosen in code, if any. The generic OTEL_EXPORTER_OTLP_ENDPOINT is a
 * base URL to which http/protobuf appends `/v1/traces`, so the endpoint depends on it.
 */
export function exporterOptionsFromEnv(
  env: Env = process.env,
  { protocol: protocolFromCode }: { protocol?: ExportProtocol } = {},
): Partial<ExportPipelineOptions> {
  const out: Partial<ExportPipelineOptions> = {};
  const pick = (name: string) => pickVar(env, name);

  const envProtocol = protocolFromEnv(env);
  if (envProtocol !== undefined) out.protocol = envProtocol;
  else {
    const protocolVar = pick('PROTOCOL');
    const protocolValue = envString(env, protocolVar);
    if (protocolValue !== undefined) warnBadEnv(protocolVar, `unsupported protocol "${protocolValue}" (use grpc or http/protobuf)`, 'grpc');
  }
  const protocol = protocolFromCode ?? envProtocol ?? 'grpc';

  const tracesEndpoint = envString(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const baseEndpoint = envString(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (tracesEndpoint !== undefined) out.endpoint = checkedUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint, protocol);
  else if (baseEndpoint !== undefined) {
    const base = checkedUrl('OTEL_EXPORTER_OTLP_ENDPOINT', baseEndpoint, protocol);
    if (base !== undefined) out.endpoint = protocol === 'http/protobuf' ? `${base.replace(/\/+$/, '')}/v1/traces` : base;
  }

  const headers = {
    ...envHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS', protocol),
    ...envHeaders(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', protocol),
  };
  if (Object.keys(headers).length > 0) out.headers = headers;

  const compressionVar = pick('COMPRESSION');
  const compression = envString(env, compressionVar)?.toLowerCase();
  if (compression === 'gzip' || compression === 'none') out.compression = compression as ExportCompression;
  else if (compression !== undefined) warnBadEnv(compressionVar, `unsupported compression "${compression}" (use gzip or none)`, 'none');

  const timeout = envNumber(env, pick('TIMEOUT'), { min: 1, max: 3_600_000, integer: true });
  if (timeout !== undefined) out.exportTimeout = timeout;

  const insecureVar = pick('INSECURE');
  if (envString(env, insecureVar) !== undefined) out.insecure = envBoolean(env, insecureVar, false);

  // Paths only: the files are read (asynchronously) when the exporter starts.
  const certificate = envString(env, pick('CERTIFICATE'));
  if (certificate !== undefined) out.certificate = certificate;
  const clientKeyVar = pick('CLIENT_KEY');
  const clientCertVar = pick('CLIENT_CERTIFICATE');
  const clientKey = envString(env, clientKeyVar);
  const clientCertificate = envString(env, clientCertVar);
  if ((clientKey === undefined) !== (clientCertificate === undefined)) {
    warnBadEnv(clientKey === undefined ? clientKeyVar : clientCertVar, `must be set together with ${clientKey === undefined ? clientCertVar : clientKeyVar}`, 'no client certificate');
  } else if (clientKey !== undefined) {
    out.clientKey = clientKey;
    out.clientCertificate = clientCertificate;
  }

  const batchSize = envNumber(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', { min: 1, max: 1_000_000, integer: true });
  if (batchSize !== undefined) out.exportBatchSize = batchSize;
  const delay = envNumber(env, 'OTEL_BSP_SCHEDULE_DELAY', { min: 1, max: 3_600_000, integer: true });
  if (delay !== undefined) out.exportInterval = delay;
  return out;
}

/** The endpoint if it is usable for `protocol`, else undefined (reported). */
function checkedUrl(name: string, value: string, protocol: ExportProtocol): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value;
    } catch {
      /* reported below */
    }
    // The value is not echoed: an endpoint may carry credentials (user:password@host).
    warnBadEnv(name, 'not an http:// or https:// URL', 'the default endpoint');
    return undefined;
  }
  if (protocol === 'grpc' && /^[^\s/]+:\d+\/?$/.test(value)) return value;
  warnBadEnv(name, `not a URL${protocol === 'grpc' ? ' or host:port' : ''}`, 'the default endpoint');
  return undefined;
}

/**
 * Header members the exporter can send; the others are reported (never with their name or value:
 * a malformed member may be a pasted credential) and skipped. Without this, one bad member made
 * validateExportOptions, and so initTracing, throw on an environment value.
 */
function envHeaders(env: Env, name: string, protocol: ExportProtocol): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(envKeyValueList(env, name, true))) {
    if (isHeaderName(k, protocol) && isHeaderValue(v, protocol)) out[k] = v;
    else warnBadEnv(name, `a member's name or value is not one ${protocol} can carry`, 'the other members');
  }
  return out;
}
