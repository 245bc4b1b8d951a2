import { describe } from 'vitest';
import { fuzzTests } from './fuzzCase.js';
import { b3Cases } from './properties/b3.js';
import { baggageCases } from './properties/baggage.js';

describe('hostile input: baggage', () => fuzzTests(baggageCases));
describe('hostile input: B3', () => fuzzTests(b3Cases));
