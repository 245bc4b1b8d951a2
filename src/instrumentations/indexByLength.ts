/**
 * Strings grouped by length, for the lookups that run on every request (header names, ignored
 * routes). Why not a Set: the request's strings are new each time, so a Set lookup hashes every
 * char of each one first; an index by length rules most of them out for free, and compares the
 * rest with the few candidates of that length, usually failing at the first char.
 */
export function indexByLength(strings: Iterable<string>): (string[] | undefined)[] {
  const index: (string[] | undefined)[] = [];
  for (const s of strings) {
    const list = (index[s.length] ??= []);
    if (!list.includes(s)) list.push(s);
  }
  return index;
}
