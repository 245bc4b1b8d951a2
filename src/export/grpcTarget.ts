/**
 * Splits an OTLP/gRPC endpoint into a grpc-js target and whether to use TLS. Per the OTLP
 * exporter spec: `http://` means plaintext, `https://` means TLS, and an endpoint without scheme
 * uses TLS unless `insecure` is set. A path in the URL is ignored (gRPC has its own).
 */
export function grpcTarget(endpoint: string, insecure: boolean): { address: string; secure: boolean } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`unsupported scheme "${url.protocol}" (use http:// or https://)`);
    }
    const secure = url.protocol === 'https:';
    return { address: `${url.hostname}:${url.port || (secure ? '443' : '80')}`, secure };
  }
  return { address: endpoint.replace(/\/+$/, ''), secure: !insecure };
}
