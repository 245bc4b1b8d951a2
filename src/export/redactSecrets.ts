/**
 * Removes the exporter's own header values from text that came from the collector (error details,
 * partial-success messages, HTTP status lines) before it is logged: a collector or proxy that
 * answers "invalid api key <key>" must not put the credential into the application's logs.
 * Each value is redacted whole, and so is each of its space-separated parts of 6 characters or
 * more (the token of `Bearer <token>`), also percent-encoded.
 */
export function secretRedactor(headers: Readonly<Record<string, string>> | undefined): (text: string) => string {
  const secrets = new Set<string>();
  for (const value of Object.values(headers ?? {})) {
    if (typeof value !== 'string') continue;
    for (const s of [value, ...value.split(/\s+/)]) {
      if (s.length < 6) continue;
      secrets.add(s);
      secrets.add(encodeURIComponent(s));
    }
  }
  if (secrets.size === 0) return (text) => text;
  // Longest first, so a whole value is redacted before its parts.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of ordered) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  };
}
