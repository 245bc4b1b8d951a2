/** Something with `test(text)`: a RegExp, or a glob matcher. */
export interface TextMatcher {
  test(text: string): boolean;
}

/**
 * A matcher for a `*` glob (`*` matches any run of characters, everything else is literal).
 *
 * Why not a RegExp: `^a.*b.*c.*d$` backtracks polynomially, and rules are matched against
 * attributes that callers control (paths, URLs): a 2,000-character value took 50 s against
 * `*a*b*c*d`. Greedy leftmost matching of the literal parts is exact for `*`-only globs and runs
 * in a few indexOf calls.
 */
export function globMatcher(pattern: string): TextMatcher {
  const parts = pattern.split('*');
  if (parts.length === 1) return { test: (text) => text === pattern };
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  const fixed = first.length + last.length;
  return {
    test(text: string): boolean {
      if (text.length < fixed || !text.startsWith(first) || !text.endsWith(last)) return false;
      let at = first.length;
      const end = text.length - last.length;
      for (const part of middle) {
        const found = text.indexOf(part, at);
        if (found === -1 || found + part.length > end) return false;
        at = found + part.length;
      }
      return true;
    },
  };
}
