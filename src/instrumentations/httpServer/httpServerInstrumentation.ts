import { IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { VERSION } from '../../version.js';
import { ContextHeaders } from './contextHeaders.js';
import { isProvisional } from '../../forcing/provisionalSpan.js';
import { normalizedMethod, requestStartAttributes } from './requestAttributes.js';
import { ServerRequest } from './serverRequest.js';

/** The instrumentation scope of the SERVER spans. */
export const HTTP_SERVER_INSTRUMENTATION = 'tracewise/http-server';

export interface HttpServerInstrumentationConfig extends InstrumentationConfig {
  /** Requests to leave untraced, with everything they call (`ignoreRoutes` is applied through it). */
  ignoreIncomingRequestHook?: (req: IncomingMessage) => boolean;
  /** Called with every new SERVER span, in the handler's context, before the handler runs. */
  requestHook?: (span: Span, req: IncomingMessage) => void;
  /** Called when the response is done, before the span ends, only for a span that records. */
  responseHook?: (span: Span, res: ServerResponse) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Emit = (this: any, event: string | symbol, ...args: any[]) => boolean;
type WithState = { [STATE]?: ServerRequest };

/** On both the request and the response; shared by every copy of tracewise (ESM and CJS). */
const STATE: unique symbol = Symbol.for('tracewise.httpServerRequest') as never;
const NOT_SENT = 'connection closed before the response was sent';
const CONNECTION_CLOSED = 'connection_closed';
/** The span of an ignored request: none; its state only carries the suppressed context. */
const IGNORED_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** A SERVER span's name before the route is known: the method, or `HTTP` for one the conventions do not list. */
const spanName = (method: string) => (method === '_OTHER' ? 'HTTP' : method);

/**
 * SERVER spans for `node:http` / `node:https` servers, following the stable HTTP semantic
 * conventions (same attributes and names as @opentelemetry/instrumentation-http), built for the
 * request path of a sampled service. Why not the official one: it builds every attribute, parses
 * the URL, materialises `req.headers` and patches the request's and response's listener methods
 * for every request, sampled or not: 13 µs per request here, as much as a small handler. This one
 * builds only the sampling-relevant attributes up front, reads the rest when a span records, and
 * reaches the request's events through two prototype patches instead of per-request ones.
 * Outgoing requests stay with instrumentation-http (`disableIncomingRequestInstrumentation`).
 */
export class HttpServerInstrumentation extends InstrumentationBase<HttpServerInstrumentationConfig> {
  private contextHeaders: ContextHeaders | undefined;

  constructor(config: HttpServerInstrumentationConfig = {}) {
    super(HTTP_SERVER_INSTRUMENTATION, VERSION, config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition('http', ['*'], (exports: { Server: typeof Server }) => this.patch(exports), (exports) => this.unpatch(exports)),
      new InstrumentationNodeModuleDefinition('https', ['*'], (exports: { Server: typeof Server }) => this.patch(exports), (exports) => this.unpatch(exports)),
    ];
  }

  private patch<T extends { Server: typeof Server }>(exports: T): T {
    (this.contextHeaders ??= new ContextHeaders()).refresh();
    this._wrap(exports.Server.prototype, 'emit', (original) => this.serverEmit(original as Emit) as never);
    // Shared by http and https servers; wrapping again replaces our own wrapper.
    pendingUnwrap = undefined;
    this._wrap(IncomingMessage.prototype, 'emit', (original) => boundEmit(original as Emit, false) as never);
    this._wrap(ServerResponse.prototype, 'emit', (original) => boundEmit(original as Emit, true) as never);
    return exports;
  }

  private unpatch(exports: { Server: typeof Server } | undefined): void {
    if (exports) this._unwrap(exports.Server.prototype, 'emit');
    // Shared by the http and https definitions: the first unpatch takes them off, once no request
    // is in flight: the response's emit is what ends a request's span.
    const unwrapMessages = () => {
      pendingUnwrap = undefined;
      if (isWrapped(IncomingMessage.prototype.emit)) this._unwrap(IncomingMessage.prototype, 'emit');
      if (isWrapped(ServerResponse.prototype.emit)) this._unwrap(ServerResponse.prototype, 'emit');
    };
    if (inFlight === 0) unwrapMessages();
    else pendingUnwrap = unwrapMessages;
  }

  private serverEmit(original: Emit): Emit {
    const inst = this;
    return function emit(this: Server, event: string | symbol, req?: unknown, res?: unknown) {
      if (event !== 'request' || !(req instanceof IncomingMessage) || !(res instanceof ServerResponse) || (req as WithState)[STATE] !== undefined) {
        if (event === 'connection' || event === 'secureConnection') cachePeer(req);
        // eslint-disable-next-line prefer-rest-params
        return original.apply(this, arguments as unknown as [string]);
      }
      return inst.onRequest(original, this, req, res);
    };
  }

  private onRequest(original: Emit, server: Server, req: IncomingMessage & WithState, res: ServerResponse & WithState): boolean {
    const config = this.getConfig();
    if (config.ignoreIncomingRequestHook !== undefined && safely(config.ignoreIncomingRequestHook, req)) {
      const state = new ServerRequest(IGNORED_SPAN, 'GET', undefined, undefined, ROOT_CONTEXT);
      state.ended = true;
      state.context = suppressTracing(context.active());
      req[STATE] = res[STATE] = state;
      return context.with(state.context, emitRequest, undefined, original, server, req, res, undefined);
    }
    const scan = this.contextHeaders!.scan(req.rawHeaders);
    const parent = scan.context ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
    const method = normalizedMethod(req.method);
    const span = this.tracer.startSpan(
      spanName(method),
      { kind: SpanKind.SERVER, attributes: requestStartAttributes(req, method, scan) },
      parent,
    );
    const state = new ServerRequest(span, method, req, res, parent);
    state.responseHook = config.responseHook;
    if (span.isRecording()) {
      // Node's cache, filled when the connection came (cachePeer): no new socket property here.
      const socket = req.socket as IncomingMessage['socket'] | null;
      state.peerAddress = socket?.remoteAddress;
      state.peerPort = socket?.remotePort;
    }
    req[STATE] = res[STATE] = state;
    inFlight++;
    if (config.requestHook !== undefined) context.with(state.context, safely, undefined, config.requestHook, span, req);
    return context.with(state.context, emitRequest, undefined, original, server, req, res, state);
  }
}

/**
 * Reads a new connection's peer address once, so that Node caches it then. Why: Node caches it
 * on the socket (`_peername`, a property added by the first successful read). Read only for
 * recording spans, each connection got that property at its first *sampled* request, a random
 * point of its life: sockets had the same properties in different orders, so different hidden
 * classes, and Node's own socket and stream code turned megamorphic for every request
 * (BENCHMARKS.md, "HTTP: where the 10 % case goes"). Read here, every socket gets it at the
 * same point, and requests on a kept-alive connection pay nothing for it (each connection pays
 * one getpeername call). HTTPS: `req.socket` is the TLS socket, hence 'secureConnection' too.
 * Do not move this read back to the request path.
 */
function cachePeer(socket: unknown): void {
  try {
    void (socket as Partial<Socket> | undefined)?.remoteAddress;
  } catch {
    // A stream handed to emit('connection') by hand, with a throwing getter: nothing to cache.
  }
}

function emitRequest(original: Emit, server: Server, req: IncomingMessage, res: ServerResponse, state: ServerRequest | undefined): boolean {
  if (state === undefined) return original.call(server, 'request', req, res);
  try {
    return original.call(server, 'request', req, res);
  } catch (err) {
    // A handler that throws: the error is the application's to handle; the span says what happened.
    if (!state.ended) {
      state.span.recordException(err as Error);
      state.span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message ?? String(err) });
      state.span.setAttribute('error.type', (err as Error)?.name ?? 'Error');
      // With the route and the response side, as any other request's span.
      endServerSpan(state, res, 'threw');
    }
    throw err;
  }
}

/**
 * The request's and the response's `emit`: every listener runs in the request's context. Why:
 * their events come from the connection's parser, which was created (and captured its context)
 * before the request existed, so `req.on('end', ...)` — a body parser, and everything it calls
 * next — would otherwise lose the span. The response's also ends the span when it finishes, or
 * when its connection closes first: after the listeners, which may still annotate the span.
 */
function boundEmit(original: Emit, response: boolean): Emit {
  return function emit(this: WithState & IncomingMessage, event: string | symbol) {
    const state = this[STATE];
    if (state === undefined) {
      // eslint-disable-next-line prefer-rest-params
      return original.apply(this, arguments as unknown as [string]);
    }
    if (state.ended || (response ? event !== 'finish' && event !== 'close' : event !== 'close')) {
      // eslint-disable-next-line prefer-rest-params
      return emitIn(state, original, this, arguments);
    }
    try {
      // eslint-disable-next-line prefer-rest-params
      return emitIn(state, original, this, arguments);
    } finally {
      if (response) {
        if (!state.ended) endServerSpan(state, this as unknown as ServerResponse, event === 'close' ? 'closed' : 'finished');
      } else if (!state.ended && state.res !== undefined && state.res.socket == null && this.socket) {
        // A pipelined request queued behind another: its response has not got the connection
        // yet, and if the connection closes first it emits neither 'finish' nor 'close'. The
        // request's own 'close' comes when its body has been read (the connection may live on),
        // or when the connection closes.
        if (this.socket.destroyed) endServerSpan(state, state.res, 'closed');
        else endWhenConnectionCloses(this.socket as Socket & WithQueued, state);
      }
    }
  };
}

/** Queued requests of a connection whose response may never get it (see boundEmit). */
const QUEUED: unique symbol = Symbol('tracewise.queuedRequests') as never;
type WithQueued = { [QUEUED]?: ServerRequest[] };

/** One 'close' listener per connection, for all its queued requests (pipelining may queue many). */
function endWhenConnectionCloses(socket: Socket & WithQueued, state: ServerRequest): void {
  let queued = socket[QUEUED];
  if (queued === undefined) {
    queued = socket[QUEUED] = [];
    socket.once('close', () => {
      const list = socket[QUEUED] ?? [];
      socket[QUEUED] = undefined;
      for (const s of list) if (!s.ended && s.res !== undefined && s.res.socket == null) endServerSpan(s, s.res, 'closed');
    });
  } else {
    // Requests answered since: nothing left to end.
    for (let i = queued.length - 1; i >= 0; i--) if (queued[i].ended) queued.splice(i, 1);
  }
  queued.push(state);
}

function emitIn(state: ServerRequest, original: Emit, self: IncomingMessage, args: IArguments): boolean {
  // Most events of a request have no listener ('end' and 'close' of a GET): nothing to bind.
  if (self.listenerCount(args[0] as string) === 0 || context.active() === state.context) return original.apply(self, args as unknown as [string]);
  return context.with(state.context, applyEmit, undefined, original, self, args);
}

function applyEmit(original: Emit, self: unknown, args: IArguments): boolean {
  return original.apply(self, args as unknown as [string]);
}

/** How a request's exchange ended: its response finished, its connection closed, or its handler threw. */
type Ending = 'finished' | 'closed' | 'threw';

function endServerSpan(state: ServerRequest, res: ServerResponse, ending: Ending): void {
  const span = state.span;
  if (span.isRecording()) {
    // Closed before the headers went out: no status was sent. Headers sent, body cut short (a
    // stream the client left, server-sent events): the status stands, as the official does it.
    // A handler that threw sent nothing either, unless it wrote the headers first.
    state.notSent = ending !== 'finished' && !res.headersSent;
    // A provisional span (error forcing) is usually discarded: it gets the response-side
    // attributes only if kept. Its name and status are set now: they decide whether it is kept.
    // (A provisional span of an older tracewise copy may lack deferAttributes.)
    if (isProvisional(span) && typeof span.deferAttributes === 'function') span.deferAttributes(state);
    else span.setAttributes(state.deferredAttributes());
    if (state.route !== undefined) span.updateName(`${spanName(state.method)} ${state.route}`);
    if (ending === 'closed' && state.notSent) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: NOT_SENT });
      // The conventions' error.type when no status was sent: a low-cardinality identifier.
      span.setAttribute('error.type', CONNECTION_CLOSED);
    } else if (ending !== 'threw' && res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    if (state.responseHook !== undefined) safely(state.responseHook, span, res);
  }
  finish(state);
}

/** Ends the span and lets go of the request: ServerRequest lives on as the handler's context. */
function finish(state: ServerRequest): void {
  state.ended = true;
  state.span.end();
  state.req = state.res = undefined;
  if (--inFlight === 0 && pendingUnwrap !== undefined) pendingUnwrap();
}

/** Traced requests whose span has not ended yet, across instances (the emit patches are shared). */
let inFlight = 0;
/** Set by unpatch() while requests are in flight: takes the message emit patches off after the last. */
let pendingUnwrap: (() => void) | undefined;

/** Runs a user hook; a throwing one is ignored (it must never break the request). */
function safely<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R | undefined {
  try {
    return fn(...args);
  } catch {
    return undefined;
  }
}
