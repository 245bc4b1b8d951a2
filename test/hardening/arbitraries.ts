import fc from 'fast-check';

/**
 * Hostile-input generators shared by the fuzz properties: everything a caller, an operator or a
 * disk can hand us. Each mixes well-formed values (so the parsers' accepting paths are reached)
 * with mutations of them, random text of every kind, binary, and oversized repetitions.
 */

/** Any UTF-16 code unit, lone surrogates included (the 'binary' unit never yields those). */
export const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Text of every flavour, short to medium. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(' ', '\t', ',', '=', ';', '-', '@', '%', '0', 'a', 'f', 'F', '\r', '\n', '\0'), maxLength: 60 }),
);

/** `unit` repeated up to `max` times: large headers, thousands of members, padding. */
export function repeated(unit: fc.Arbitrary<string>, max: number): fc.Arbitrary<string> {
  return fc.tuple(unit, fc.integer({ min: 1, max })).map(([u, n]) => u.repeat(n));
}

type Edit = [op: 0 | 1 | 2 | 3, at: number, text: string];

/** `base` with a few random edits: replace, insert, delete, duplicate a slice. */
export function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit: fc.Arbitrary<Edit> = fc.tuple(
    fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
    fc.nat(),
    fc.oneof(codeUnit, fc.constantFrom(' ', '\t', ',', '=', '-', '@', 'A', 'f', '0', ';', '%')),
  );
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([s, edits]) => {
    for (const [op, at, text] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      if (op === 0) s = s.slice(0, i) + text + s.slice(i + 1);
      else if (op === 1) s = s.slice(0, i) + text + s.slice(i);
      else if (op === 2) s = s.slice(0, i) + s.slice(i + 1);
      else s = s.slice(0, i) + s.slice(i, i + 8) + s.slice(i);
    }
    return s;
  });
}

/** Header values as getters return them: a string, several strings, or something else entirely. */
export function headerValue(text: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: text },
    { weight: 2, arbitrary: fc.array(text, { minLength: 0, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: text.map((s) => Buffer.from(s)) },
  );
}

export const ows = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });

export function hex(length: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
}

/** A non-zero lower-case hex ID. */
export function hexId(length: number): fc.Arbitrary<string> {
  return hex(length).filter((s) => /[1-9a-f]/.test(s));
}
