import { describe } from 'vitest';
import { fuzzTests } from './fuzzCase.js';
import { carrierCases } from './properties/carriers.js';

describe('hostile input: carriers', () => fuzzTests(carrierCases));
