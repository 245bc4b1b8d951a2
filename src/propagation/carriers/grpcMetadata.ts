import { diag, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { attributeValue } from './attributeValue.js';

/**
 * The parts of @grpc/grpc-js `Metadata` we use, duck-typed so grpc-js stays out of our runtime
 * dependencies.
 */
export interface GrpcMetadataLike {
  get(key: string): unknown[];
  set(key: string, value: string): void;
  getMap(): Record<string, unknown>;
}

export const grpcMetadata: TextMapGetter<GrpcMetadataLike> & TextMapSetter<GrpcMetadataLike> = {
  get: (carrier, key) => attributeValue(carrier.get(key)),
  keys: (carrier) => Object.keys(carrier.getMap()),
  set(carrier, key, value) {
    try {
      carrier.set(key, value); // grpc-js validates keys and values and throws on bad ones
    } catch {
      diag.debug(`tracewise: could not set metadata "${key}"`);
    }
  },
};
