import type { FuzzCase } from './fuzzCase.js';
import { b3Cases } from './properties/b3.js';
import { baggageCases } from './properties/baggage.js';
import { carrierCases } from './properties/carriers.js';
import { envCases } from './properties/env.js';
import { samplingCases } from './properties/sampling.js';
import { spoolCases } from './properties/spool.js';
import { traceContextCases } from './properties/traceContext.js';

/** Every fuzz property, for bench/fuzz.ts (the vitest files each register their own group). */
export const ALL_FUZZ_CASES: readonly FuzzCase[] = [
  ...traceContextCases,
  ...baggageCases,
  ...b3Cases,
  ...carrierCases,
  ...envCases,
  ...samplingCases,
  ...spoolCases,
];
