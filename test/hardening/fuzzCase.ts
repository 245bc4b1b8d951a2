import fc from 'fast-check';
import { expect, it } from 'vitest';

/** One fuzz property over one parser (or input from outside). */
export interface FuzzCase {
  /** The parser or input it exercises: the row of the fuzz summary. */
  parser: string;
  name: string;
  property: () => fc.IProperty<any>;
  /** Share of the run count this case gets (slow cases, e.g. ones that hash, run fewer). */
  weight?: number;
}

/** Cases per property inside `npm test`; `npm run fuzz` (bench/fuzz.ts) runs 100k each. */
export const TEST_RUNS = Number(process.env.FUZZ_RUNS) || 1000;

/** Registers each case as a vitest test with a small, seeded-by-default run. */
export function fuzzTests(cases: readonly FuzzCase[]): void {
  for (const c of cases) {
    it(`${c.parser}: ${c.name}`, () => {
      const details = fc.check(c.property(), { numRuns: Math.max(1, Math.round(TEST_RUNS * (c.weight ?? 1))) });
      expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
    });
  }
}
