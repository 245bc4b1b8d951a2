import { context, type Context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/**
 * Names the route of the incoming request being handled (`/orders/:id`), for node:http servers
 * without a router instrumentation: when the response ends, the HTTP instrumentation sets
 * `http.route` and renames the server span `GET /orders/:id`. Call it inside the request handler.
 * Returns false (and does nothing) outside a traced request.
 */
export function setHttpRoute(route: string, ctx: Context = context.active()): boolean {
  const meta = getRPCMetadata(ctx);
  if (meta?.type !== RPCType.HTTP) return false;
  meta.route = route;
  return true;
}
