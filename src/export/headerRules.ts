/**
 * What an exporter header may hold, whichever the protocol: a name that is an HTTP token, and a
 * value of printable ASCII (tab and space included). Why ASCII only: node:http throws on control
 * characters and on anything above U+00FF, and gRPC metadata carries printable ASCII only, so a
 * value outside it (often a percent-decoded `OTEL_EXPORTER_OTLP_HEADERS` member) could never be
 * sent. Checked when the options are read, so that a request is never built with one.
 */
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const VALUE = /^[\t\x20-\x7e]*$/;

export function isHeaderName(name: string): boolean {
  return NAME.test(name);
}

export function isHeaderValue(value: unknown): value is string {
  return typeof value === 'string' && VALUE.test(value);
}
