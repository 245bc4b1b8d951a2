import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { isSqsAttribute } from './attributeValue.js';
import { fetchHeaders } from './fetchHeaders.js';
import { grpcMetadata } from './grpcMetadata.js';
import { httpHeaders } from './httpHeaders.js';
import { httpMessage } from './httpMessage.js';
import { mapCarrier } from './mapCarrier.js';
import { messageAttributes, sqsMessageAttributes } from './messageAttributes.js';

// The getters/setters are typed per carrier; detection has already checked the shape.
type AnyAccess = TextMapGetter<any> & TextMapSetter<any>;

export interface DetectedCarrier {
  /** What to read and write: for an IncomingMessage, its `headers` object. */
  target: object;
  access: AnyAccess;
}

/**
 * Picks the getter/setter for a carrier by shape, most specific first (a Map also has get/set,
 * so it is tested before Headers; grpc Metadata is told apart by getMap). Undefined for
 * anything that is not an object: injectInto/extractFrom then do nothing.
 */
export function detectCarrier(carrier: unknown): DetectedCarrier | undefined {
  if (carrier === null || typeof carrier !== 'object') return undefined;
  const c = carrier as Record<string, unknown>;
  if (typeof c.setHeader === 'function' && typeof c.getHeader === 'function') {
    return { target: carrier, access: httpMessage };
  }
  if (typeof c.httpVersion === 'string' && c.headers !== null && typeof c.headers === 'object') {
    return { target: c.headers, access: httpHeaders }; // IncomingMessage, Http2ServerRequest
  }
  if (isHeadersLike(c.headers)) {
    return { target: c.headers as object, access: fetchHeaders }; // fetch Request / Response
  }
  if (carrier instanceof Map) return { target: carrier, access: mapCarrier };
  if (typeof c.getMap === 'function' && typeof c.get === 'function' && typeof c.set === 'function') {
    return { target: carrier, access: grpcMetadata };
  }
  if (isHeadersLike(c)) return { target: carrier, access: fetchHeaders };
  return { target: carrier, access: hasSqsAttribute(c) ? sqsMessageAttributes : messageAttributes };
}

function isHeadersLike(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const h = value as Record<string, unknown>;
  return typeof h.get === 'function' && typeof h.set === 'function' && typeof h.keys === 'function';
}

/** An attribute object that already holds SQS-shaped values gets SQS-shaped ones added. */
function hasSqsAttribute(record: Record<string, unknown>): boolean {
  for (const key in record) {
    if (Object.hasOwn(record, key)) return isSqsAttribute(record[key]);
  }
  return false;
}
