import { ROOT_CONTEXT} from '@opentelemetry/api';
import fc from 'fast-check';
import { BAGGAGE_MAX_BYTES, BAGGAGE_MAX_SCAN } from '../../../src/baggage/limits.js';
import { parseBaggageHeader } from '../../../src/baggage/parseBaggageHeader.js';
import { NO_PROPERTIES } from '../../../src/baggage/properties.js';
import { serializeBaggage } from '../../../src/baggage/serializeBaggage.js';
import { W3CBaggagePropagator } from '../../../src/baggage/W3CBaggagePropagator.js';
import { anyText, codeUnit, headerValue, mutated, ows, repeated } from '../arbitraries.js';
import type { FuzzCase } from '../fuzzCase.js';
import { recordGetter, recordSetter } from '../recordCarrier.js';
import { isValidBaggage } from '../oracles.js';

const tchar = fc.constantFrom(...("!#$%&'*+-.^_`|~0123456789" + 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ').split(''));
const token = fc.string({ unit: tchar, minLength: 1, maxLength: 16 });
const wireChar = fc.constantFrom(...Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).filter((c) => !'",;\\'.includes(c)));
const wireValue = fc.oneof(fc.string({ unit: wireChar, maxLength: 24 }), fc.constantFrom('%20', '%E2%82%AC', '%zz', '%', '%C3', '%F0%9F%98%80'));
const property = fc.oneof(token, fc.tuple(token, ows, ows, wireValue).map(([k, a, b, v]) => `${k}${a}=${b}${v}`));
const member = fc
  .tuple(ows, token, ows, ows, wireValue, fc.array(fc.tuple(ows, property), { maxLength: 3 }), ows)
  .map(([a, k, b, c, v, props, d]) => `${a}${k}${b}=${c}${v}${props.map(([o, p]) => `${o};${o}${p}`).join('')}${d}`);
const list = fc.array(member, { maxLength: 12 }).map((ms) => ms.join(','));

export const baggageText: fc.Arbitrary<string> = fc.oneof(
  list,
  mutated(list),
  anyText,
  repeated(fc.constantFrom(',', 'k=v,', 'k=', ';', '=', ' ', 'key=%FF%FE,'), 40_000),
  fc.integer({ min: 8000, max: 9000 }).map((n) => `k=${'v'.repeat(n)}`),
);

const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

const propagator = new W3CBaggagePropagator();

export const baggageCases: FuzzCase[] = [
  {
    parser: 'baggage',
    name: 'parse never throws; members have token keys; what is accepted fits the byte limit',
    property: () =>
      fc.property(headerValue(baggageText), (input) => {
        const members = parseBaggageHeader(input);
        let bytes = -1;
        for (const m of members) {
          if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(m.key) || typeof m.value !== 'string') return false;
          bytes += 1 + m.key.length;
        }
        return members.length <= BAGGAGE_MAX_SCAN && bytes <= BAGGAGE_MAX_BYTES;
      }),
  },
  {
    parser: 'baggage',
    name: 'inject after extract sends nothing or a valid header within 8192 bytes',
    property: () =>
      fc.property(headerValue(baggageText), (input) => {
        const ctx = propagator.extract(ROOT_CONTEXT, { baggage: input }, recordGetter);
        const out: Record<string, string> = {};
        propagator.inject(ctx, out, recordSetter);
        // Nothing sent is fine: re-encoding may push an accepted member over the limit (trimmed).
        if (out.baggage === undefined) return true;
        return isValidBaggage(out.baggage) && Buffer.byteLength(out.baggage) <= BAGGAGE_MAX_BYTES;
      }),
  },
  {
    parser: 'baggage',
    name: 'round-trips any keys and values (any Unicode, lone surrogates become U+FFFD)',
    property: () =>
      fc.property(
        fc.uniqueArray(fc.tuple(token, fc.oneof(anyText, fc.string({ unit: codeUnit, maxLength: 20 }))), { selector: ([k]) => k, maxLength: 10 }),
        (entries) => {
          const header = serializeBaggage(entries.map(([key, value]) => ({ key, value, properties: NO_PROPERTIES })));
          if (header !== '' && !isValidBaggage(header)) return false;
          const back = parseBaggageHeader(header);
          if (back.length !== (header === '' ? 0 : entries.length)) return false;
          return back.every((m, i) => m.key === entries[i][0] && m.value === wellFormed(entries[i][1]));
        },
      ),
  },
];
