/** The gRPC server: shop.Pricing on 127.0.0.1 and a free port. Prints `ready <port>`. */
import * as grpc from '@grpc/grpc-js';
import { pricingService, type PriceReply, type PriceRequest } from './pricing.js';

const PRICES: Record<string, number> = { book: 1299, lamp: 4500 };

const server = new grpc.Server();
server.addService(pricingService, {
  GetPrice(call: grpc.ServerUnaryCall<PriceRequest, PriceReply>, callback: grpc.sendUnaryData<PriceReply>) {
    const cents = PRICES[call.request.sku];
    if (cents === undefined) callback({ code: grpc.status.NOT_FOUND, details: `no price for ${call.request.sku}` });
    else callback(null, { sku: call.request.sku, cents });
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  console.log(`ready ${port}`);
});
process.on('SIGTERM', () => server.tryShutdown(() => {}));
