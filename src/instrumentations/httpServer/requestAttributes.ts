import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Methods the HTTP semantic conventions know; any other is reported as `_OTHER`. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** Query keys whose values are credentials (signed URLs): the same list as instrumentation-http. */
const REDACTED_QUERY_KEYS = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];
const REDACTED = new Set(REDACTED_QUERY_KEYS);

/** `http.request.method` of a request: the method, or `_OTHER` for one the conventions do not name. */
export function normalizedMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** What the request's headers say about the server it was addressed to (see ContextHeaders.scan). */
export interface HostHeaders {
  host: string | undefined;
  forwarded: string | undefined;
  forwardedHost: string | undefined;
  forwardedProto: string | undefined;
}

/**
 * The sampling-relevant attributes of a SERVER span, known when the request arrives (what a
 * rule sampler may match on): method, path, query (credentials redacted), scheme, and the server
 * address and port the client used (Forwarded `host=`, X-Forwarded-Host, then Host). The scheme
 * is the original client's when a proxy says it (Forwarded `proto=`, X-Forwarded-Proto), else the
 * connection's; a port left out defaults to that scheme's, except for a host a proxy reported
 * without saying the scheme (the official instrumentation's rule: the port is then unknown).
 */
export function requestStartAttributes(req: IncomingMessage, method: string, headers: HostHeaders): Attributes {
  const url = req.url ?? '/';
  const proto = forwardedParam(headers.forwarded, 'proto') ?? firstOf(headers.forwardedProto);
  const forwardedScheme = proto === undefined ? undefined : knownScheme(proto);
  const scheme = forwardedScheme ?? ((req.socket as { encrypted?: boolean } | null)?.encrypted === true ? 'https' : 'http');
  let path: string;
  let query: string | undefined;
  // Origin-form without dot segments (nearly every request): split by hand. Anything else
  // (absolute-form, `/./`, `/../`) goes through the URL parser, as instrumentation-http does.
  if (url.charCodeAt(0) === 47 /* / */ && !url.includes('/.')) {
    const q = url.indexOf('?');
    path = q === -1 ? url : url.slice(0, q);
    query = q === -1 ? undefined : url.slice(q + 1);
  } else {
    try {
      const parsed = new URL(url, 'http://localhost');
      path = parsed.pathname;
      query = parsed.search.length > 1 ? parsed.search.slice(1) : undefined;
    } catch {
      path = url;
    }
  }
  const attributes: Attributes = {
    'http.request.method': method,
    'url.path': path,
    'url.scheme': scheme,
  };
  if (query) attributes['url.query'] = redactQuery(query);
  if (method === '_OTHER' && req.method !== undefined) attributes['http.request.method_original'] = req.method;
  const proxied = forwardedParam(headers.forwarded, 'host') ?? firstOf(headers.forwardedHost);
  const host = proxied ?? headers.host;
  if (host !== undefined) setServerAddress(attributes, host, proxied !== undefined && forwardedScheme === undefined ? undefined : scheme);
  return attributes;
}

/**
 * What the request and response say by the time the response is done, for a span that records:
 * status (if one was sent), protocol, peer (read when the request arrived: Node remembers it only in a private cache),
 * client address and user agent. Read only then because a span that does not record (most of
 * them, under sampling) never needs them.
 */
export function responseAttributes(
  req: IncomingMessage,
  res: ServerResponse,
  route: string | undefined,
  peerAddress: string | undefined,
  peerPort: number | undefined,
  /** False when the connection closed before any header went out: no status to report. */
  statusSent: boolean,
): Attributes {
  const attributes: Attributes = { 'network.protocol.version': req.httpVersion };
  if (statusSent) attributes['http.response.status_code'] = res.statusCode;
  if (route !== undefined) attributes['http.route'] = route;
  if (peerAddress !== undefined) {
    attributes['network.peer.address'] = peerAddress;
    if (peerPort !== undefined) attributes['network.peer.port'] = peerPort;
  }
  const client = forwardedFor(req) ?? peerAddress;
  if (client !== undefined) attributes['client.address'] = client;
  const ua = req.headers['user-agent'];
  if (ua !== undefined) attributes['user_agent.original'] = ua;
  if (statusSent && res.statusCode >= 500) attributes['error.type'] = String(res.statusCode);
  return attributes;
}

/** `http` or `https` from a forwarded proto value, case-insensitively; undefined for anything else. */
function knownScheme(proto: string): 'http' | 'https' | undefined {
  const p = proto.toLowerCase();
  return p === 'https' ? 'https' : p === 'http' ? 'http' : undefined;
}

/**
 * `server.address` / `server.port` from a host: `name`, `name:port`, `[v6]:port`. Without a
 * port, the scheme's default, or none when the scheme is unknown.
 */
function setServerAddress(attributes: Attributes, host: string, scheme: string | undefined): void {
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
  if (port === undefined && scheme === undefined) return;
  const n = port === undefined ? (scheme === 'https' ? 443 : 80) : Number(port);
  if (Number.isInteger(n) && n > 0 && n < 65536) attributes['server.port'] = n;
}

/** The first value of a comma-separated header (a proxy chain appends). */
function firstOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const comma = value.indexOf(',');
  const first = (comma === -1 ? value : value.slice(0, comma)).trim();
  return first.length > 0 ? first : undefined;
}

const FORWARDED_PARAM = {
  host: /(?:^|[;\s])host=("([^"]*)"|[^;,\s]*)/i,
  for: /(?:^|[;\s])for=("([^"]*)"|[^;,\s]*)/i,
  proto: /(?:^|[;\s])proto=("([^"]*)"|[^;,\s]*)/i,
};

/**
 * A parameter of a `Forwarded` header (RFC 7239), unquoted: from the first element (hop) that
 * has it, as instrumentation-http reads it (a proxy that adds only `for=` does not hide the
 * `host=` of the one before it).
 */
function forwardedParam(forwarded: string | undefined, name: keyof typeof FORWARDED_PARAM): string | undefined {
  if (forwarded === undefined) return undefined;
  const re = FORWARDED_PARAM[name];
  for (const element of forwarded.split(',')) {
    const m = re.exec(element);
    if (m === null) continue;
    const v = m[2] ?? m[1];
    return v.length > 0 ? v : undefined;
  }
  return undefined;
}

/** The original client, from `Forwarded: for=...` or the first `X-Forwarded-For` entry. */
function forwardedFor(req: IncomingMessage): string | undefined {
  const forwarded = req.headers.forwarded;
  const fromForwarded = typeof forwarded === 'string' ? forwardedParam(forwarded, 'for') : undefined;
  if (fromForwarded !== undefined) return stripPort(fromForwarded);
  const xff = req.headers['x-forwarded-for'];
  const first = firstOf(Array.isArray(xff) ? xff[0] : xff);
  return first ? stripPort(first) : undefined;
}

/** An address without its port: `1.2.3.4:80`, `[2001:db8::1]:80`, `[2001:db8::1]`; a bare IPv6 is left as is. */
function stripPort(address: string): string {
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    return close === -1 ? address : address.slice(1, close);
  }
  // An IPv4 or name with one colon carries a port; a bare IPv6 has several colons.
  const colon = address.indexOf(':');
  return colon !== -1 && colon === address.lastIndexOf(':') ? address.slice(0, colon) : address;
}

/**
 * Replaces the values of credential-bearing query keys with `REDACTED`; the rest is kept as
 * sent. Keys are compared decoded (`X%2DAmz%2DSignature` is `X-Amz-Signature`), as a server
 * would read them.
 */
export function redactQuery(query: string): string {
  // Fast path: no key can match without one of the names or an escape in the raw text.
  if (!query.includes('%') && !query.includes('+') && !REDACTED_QUERY_KEYS.some((k) => query.includes(k))) return query;
  let changed = false;
  const pairs = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    if (!REDACTED.has(decodeKey(rawKey))) return pair;
    changed = true;
    return `${rawKey}=REDACTED`;
  });
  return changed ? pairs.join('&') : query;
}

function decodeKey(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
