import { RPCType, type RPCMetadata } from '@opentelemetry/core';
import { ROOT_CONTEXT, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeferredAttributes } from '../../forcing/provisionalSpan.js';
import { responseAttributes } from './requestAttributes.js';

/**
 * What the instrumentation keeps for one incoming request until its response is done. It is
 * also the request's RPCMetadata (`{ type: HTTP, span, route }`) in the handler's context: router
 * instrumentations (Express, Fastify...) and `setHttpRoute()` write `route` into it, and the
 * span is named after it when the response ends. And it is the source of the span's
 * response-side attributes, which a provisional span (error forcing) computes only if kept.
 * One object does all three: one allocation per request.
 */
export class ServerRequest implements RPCMetadata, DeferredAttributes {
  readonly type = RPCType.HTTP as const;
  route: string | undefined = undefined;
  ended = false;
  /** The connection closed before the response was sent. */
  notSent = false;
  /** The handler's context (it holds this object): the request's and response's events run in it. */
  context: Context = ROOT_CONTEXT;
  /** The instrumentation's responseHook when the request arrived. */
  responseHook: ((span: Span, res: ServerResponse) => void) | undefined = undefined;

  constructor(
    readonly span: Span,
    /** `http.request.method` (normalised), for the span name once the route is known. */
    readonly method: string,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {}

  deferredAttributes(): Attributes {
    const attributes = responseAttributes(this.req, this.res, this.route);
    if (this.notSent) {
      delete attributes['http.response.status_code'];
      delete attributes['error.type'];
    }
    return attributes;
  }
}
