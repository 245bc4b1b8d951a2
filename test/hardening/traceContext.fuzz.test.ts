import { describe } from 'vitest';
import { fuzzTests } from './fuzzCase.js';
import { traceContextCases } from './properties/traceContext.js';

describe('hostile input: W3C trace context', () => fuzzTests(traceContextCases));
