import { diag, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/** node:http `ClientRequest`, `ServerResponse` (any `OutgoingMessage`), also http2 compat. */
export interface HttpMessageLike {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: string): unknown;
  getHeaderNames(): string[];
  readonly headersSent?: boolean;
}

export const httpMessage: TextMapGetter<HttpMessageLike> & TextMapSetter<HttpMessageLike> = {
  get(carrier, key) {
    const value = carrier.getHeader(key);
    return typeof value === 'number' ? String(value) : value;
  },
  keys: (carrier) => carrier.getHeaderNames(),
  set(carrier, key, value) {
    // setHeader throws once headers are on the wire; propagation must never break the request.
    if (carrier.headersSent) {
      diag.debug(`tracewise: not injecting "${key}": headers already sent`);
      return;
    }
    try {
      carrier.setHeader(key, value);
    } catch {
      diag.debug(`tracewise: could not set header "${key}"`);
    }
  },
};
