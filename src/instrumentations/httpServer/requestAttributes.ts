import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Methods the HTTP semantic conventions know; any other is reported as `_OTHER`. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** Query keys whose values are credentials (signed URLs): the same list as instrumentation-http. */
const REDACTED_QUERY_KEYS = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];

/** `http.request.method` of a request: the method, or `_OTHER` for one the conventions do not name. */
export function normalizedMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/**
 * The sampling-relevant attributes of a SERVER span, known when the request arrives (what a
 * rule sampler may match on): method, path, query (credentials redacted), scheme, server address
 * and port from the Host header. `host` is the raw Host header value, if any.
 */
export function requestStartAttributes(req: IncomingMessage, method: string, host: string | undefined): Attributes {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const attributes: Attributes = {
    'http.request.method': method,
    'url.path': q === -1 ? url : url.slice(0, q),
    'url.scheme': (req.socket as { encrypted?: boolean } | null)?.encrypted === true ? 'https' : 'http',
  };
  if (q !== -1 && q < url.length - 1) attributes['url.query'] = redactQuery(url.slice(q + 1));
  if (method === '_OTHER' && req.method !== undefined) attributes['http.request.method_original'] = req.method;
  if (host !== undefined) setServerAddress(attributes, host);
  return attributes;
}

/**
 * What the request and response say by the time the response is done, for a span that records:
 * status, protocol, peer, client address and user agent. Read only then because a span that
 * does not record (most of them, under sampling) never needs them.
 */
export function responseAttributes(req: IncomingMessage, res: ServerResponse, route: string | undefined): Attributes {
  const socket = req.socket as IncomingMessage['socket'] | null;
  const attributes: Attributes = {
    'http.response.status_code': res.statusCode,
    'network.protocol.version': req.httpVersion,
  };
  if (route !== undefined) attributes['http.route'] = route;
  const peer = socket?.remoteAddress;
  if (peer !== undefined) {
    attributes['network.peer.address'] = peer;
    attributes['network.peer.port'] = socket!.remotePort;
  }
  const client = forwardedFor(req) ?? peer;
  if (client !== undefined) attributes['client.address'] = client;
  const ua = req.headers['user-agent'];
  if (ua !== undefined) attributes['user_agent.original'] = ua;
  if (res.statusCode >= 500) attributes['error.type'] = String(res.statusCode);
  return attributes;
}

/** `server.address` / `server.port` from a Host header: `name`, `name:port`, `[v6]:port`. */
function setServerAddress(attributes: Attributes, host: string): void {
  let name = host;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close === -1) return;
    name = host.slice(1, close);
    if (host.charCodeAt(close + 1) === 58 /* : */) port = host.slice(close + 2);
  } else {
    const colon = host.indexOf(':');
    if (colon !== -1) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
  }
  if (name.length === 0) return;
  attributes['server.address'] = name;
  if (port !== undefined) {
    const n = Number(port);
    if (Number.isInteger(n) && n > 0 && n < 65536) attributes['server.port'] = n;
  }
}

/** The original client, from `Forwarded: for=...` or the first `X-Forwarded-For` entry. */
function forwardedFor(req: IncomingMessage): string | undefined {
  const forwarded = req.headers.forwarded;
  if (typeof forwarded === 'string') {
    const m = /(?:^|[;,\s])for=("?)\[?([^\]";,\s]+)/i.exec(forwarded);
    if (m !== null) return stripPort(m[2]);
  }
  const xff = req.headers['x-forwarded-for'];
  const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0].trim();
  return first ? stripPort(first) : undefined;
}

function stripPort(address: string): string {
  // An IPv4 or name with one colon carries a port; a bare IPv6 has several colons.
  const colon = address.indexOf(':');
  return colon !== -1 && colon === address.lastIndexOf(':') ? address.slice(0, colon) : address;
}

/** Replaces the values of credential-bearing query keys with `REDACTED`; the rest is kept as sent. */
export function redactQuery(query: string): string {
  let out = query;
  for (const key of REDACTED_QUERY_KEYS) {
    if (!out.includes(key)) continue;
    out = out
      .split('&')
      .map((pair) => (pair === key || pair.startsWith(`${key}=`) ? `${key}=REDACTED` : pair))
      .join('&');
  }
  return out;
}
