/**
 * The gRPC client: `client.ts <server-address>`. Asks for two prices (one unknown: NOT_FOUND),
 * prints the answers and exits; tracewise flushes its spans before the process ends.
 */
import * as grpc from '@grpc/grpc-js';
import { pricingService, type PriceReply, type PriceRequest } from './pricing.js';

const Pricing = grpc.makeGenericClientConstructor(pricingService, 'shop.Pricing');
type PricingClient = grpc.Client & {
  GetPrice(req: PriceRequest, cb: (err: grpc.ServiceError | null, reply?: PriceReply) => void): grpc.ClientUnaryCall;
};
const client = new Pricing(process.argv[2], grpc.credentials.createInsecure()) as unknown as PricingClient;

console.log('ready');
for (const sku of ['book', 'unicorn']) {
  const line = await new Promise<string>((resolve) =>
    client.GetPrice({ sku }, (err, reply) => resolve(err ? `${sku}: ${grpc.status[err.code]} ${err.details}` : `${sku}: ${reply!.cents} cents`)),
  );
  console.log(line);
}
client.close();
