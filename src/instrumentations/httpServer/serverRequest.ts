import { getRPCMetadata, RPCType, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import { trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeferredAttributes } from '../../forcing/provisionalSpan.js';
import { RPC_METADATA_KEY, SPAN_KEY } from './contextKeys.js';
import { responseAttributes } from './requestAttributes.js';

/**
 * What the instrumentation keeps for one incoming request until its response is done. It is
 * also the request's RPCMetadata (`{ type: HTTP, span, route }`) in the handler's context: router
 * instrumentations (Express, Fastify...) and `setHttpRoute()` write `route` into it, and the
 * span is named after it when the response ends. And it is the source of the span's
 * response-side attributes, which a provisional span (error forcing) computes only if kept.
 * And, where the API's keys could be read (contextKeys.ts), it is the handler's Context itself:
 * `parent` plus the span and itself as RPCMetadata, a BaseContext built only if someone derives
 * a context from it. One object does all of it: one allocation per request instead of four.
 */
export class ServerRequest implements RPCMetadata, DeferredAttributes, Context {
  readonly type = RPCType.HTTP as const;
  route: string | undefined = undefined;
  ended = false;
  /** The connection closed before the response's headers were sent. */
  notSent = false;
  /** The peer, read when the request arrived (kept for recording spans): Node remembers it only in a private cache. */
  peerAddress: string | undefined = undefined;
  peerPort: number | undefined = undefined;
  /** The handler's context (it holds this object): the request's and response's events run in it. */
  context: Context;
  /** `parent` + span + RPCMetadata as a BaseContext, once a context is derived from this one. */
  private derived: Context | undefined = undefined;
  /** The instrumentation's responseHook when the request arrived. */
  responseHook: ((span: Span, res: ServerResponse) => void) | undefined = undefined;

  constructor(
    readonly span: Span,
    /** `http.request.method` (normalised), for the span name once the route is known. */
    readonly method: string,
    /** Both let go once the span has ended: this object is the handler's context, which anything
     * created during the request (a timer, a pooled connection) keeps. */
    public req: IncomingMessage | undefined,
    public res: ServerResponse | undefined,
    /** The context the span was started in: the extracted remote parent, or ROOT_CONTEXT. */
    private readonly parent: Context,
  ) {
    this.context = CONTEXT_KEYS_WORK ? this : setRPCMetadata(trace.setSpan(parent, span), this);
  }

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span;
    if (key === RPC_METADATA_KEY) return this;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.asBaseContext().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.asBaseContext().deleteValue(key);
  }

  private asBaseContext(): Context {
    return (this.derived ??= setRPCMetadata(trace.setSpan(this.parent, this.span), this));
  }

  deferredAttributes(): Attributes {
    const { req, res } = this;
    if (req === undefined || res === undefined) return {};
    return responseAttributes(req, res, this.route, this.peerAddress, this.peerPort, !this.notSent);
  }
}

/** Whether ServerRequest can be the Context: both keys found, and the API reads them back. */
const CONTEXT_KEYS_WORK = ((): boolean => {
  if (SPAN_KEY === undefined || RPC_METADATA_KEY === undefined) return false;
  const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0 });
  const probe = Object.create(ServerRequest.prototype) as ServerRequest;
  Object.assign(probe, { span, parent: { getValue: () => undefined } });
  return trace.getSpan(probe) === span && getRPCMetadata(probe) === probe;
})();
