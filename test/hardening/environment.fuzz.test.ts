import { describe } from 'vitest';
import { fuzzTests } from './fuzzCase.js';
import { envCases } from './properties/env.js';
import { spoolCases } from './properties/spool.js';

describe('hostile input: OTEL_* environment', () => fuzzTests(envCases));
describe('hostile input: spool files', () => fuzzTests(spoolCases));
