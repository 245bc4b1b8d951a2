/**
 * The service both sides share: shop.Pricing/GetPrice, a unary call with JSON messages (a
 * hand-written service definition, so the example needs no .proto toolchain; with
 * @grpc/proto-loader the instrumentation works the same).
 */
import type { ServiceDefinition } from '@grpc/grpc-js';

export interface PriceRequest {
  sku: string;
}
export interface PriceReply {
  sku: string;
  cents: number;
}

const json = {
  serialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown,
};

export const pricingService: ServiceDefinition = {
  GetPrice: {
    path: '/shop.Pricing/GetPrice',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
    originalName: 'getPrice',
  },
};
