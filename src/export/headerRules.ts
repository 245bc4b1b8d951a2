import type { ExportProtocol } from './exportPipelineOptions.js';

/**
 * What an exporter header may hold, so that a request is never built with one the protocol
 * cannot carry (node:http throws on it; grpc-js refuses it, and a dropped auth header would only
 * show as UNAUTHENTICATED later). Checked when the options are read.
 * - http/protobuf: the name an HTTP token; the value tab, printable ASCII and obs-text
 *   (U+0080–U+00FF), what node:http sends.
 * - grpc: the name lowercase letters, digits, `_ . -` (grpc-js's rule; tracewise lowercases it),
 *   not ending in `-bin` (binary metadata takes bytes, not text); the value printable ASCII.
 */
const HTTP_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HTTP_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const GRPC_NAME = /^[0-9a-z_.-]+$/;
const GRPC_VALUE = /^[\x20-\x7e]*$/;

export function isHeaderName(name: string, protocol: ExportProtocol): boolean {
  if (protocol === 'http/protobuf') return HTTP_NAME.test(name);
  const lower = name.toLowerCase();
  return GRPC_NAME.test(lower) && !lower.endsWith('-bin');
}

export function isHeaderValue(value: unknown, protocol: ExportProtocol): value is string {
  return typeof value === 'string' && (protocol === 'http/protobuf' ? HTTP_VALUE : GRPC_VALUE).test(value);
}

/** What the rules allow, for error messages. */
export function headerRule(protocol: ExportProtocol): { name: string; value: string } {
  return protocol === 'http/protobuf'
    ? { name: 'an HTTP token (letters, digits and !#$%&\'*+.^_`|~-)', value: 'tab, printable ASCII or U+0080–U+00FF characters' }
    : { name: 'letters, digits, _ . - (gRPC metadata; not ending in -bin)', value: 'printable ASCII characters' };
}
