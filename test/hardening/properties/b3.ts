import { ROOT_CONTEXT, trace} from '@opentelemetry/api';
import fc from 'fast-check';
import { b3Propagator } from '../../../src/propagation/b3Propagator.js';
import { anyText, headerValue, hex, hexId, mutated, repeated } from '../arbitraries.js';
import type { FuzzCase } from '../fuzzCase.js';
import { recordGetter, recordSetter } from '../recordCarrier.js';
import { B3_SAMPLED, B3_SINGLE, B3_SPAN_ID, B3_TRACE_ID } from '../oracles.js';

const traceId = fc.oneof(hexId(32), hexId(16), hex(32), hex(12));
const sampling = fc.constantFrom('', '-0', '-1', '-d', '-true', '-q', '-01');
const single = fc
  .tuple(traceId, hexId(16), sampling, fc.option(hexId(16), { nil: undefined }))
  .map(([t, s, f, p]) => `${t}-${s}${f}${f !== '' && p !== undefined ? `-${p}` : ''}`);

const b3Text = fc.oneof(single, mutated(single), fc.constantFrom('0', '1', 'd'), anyText, repeated(fc.constantFrom('a', '-', '0'), 50_000));
const field = (t: fc.Arbitrary<string>) => fc.option(headerValue(fc.oneof(t, mutated(t), anyText)), { nil: undefined });
const carrier = fc.record(
  {
    b3: field(b3Text),
    'x-b3-traceid': field(traceId),
    'x-b3-spanid': field(hexId(16)),
    'x-b3-parentspanid': field(hexId(16)),
    'x-b3-sampled': field(fc.constantFrom('0', '1', 'true', 'false', 'd')),
    'x-b3-flags': field(fc.constantFrom('0', '1')),
  },
  { requiredKeys: [] },
);

const single_ = b3Propagator('single');
const multi = b3Propagator('multi');

function validOut(out: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(out)) {
    if (k === 'b3' && !B3_SINGLE.test(v)) return false;
    if (k === 'x-b3-traceid' && !B3_TRACE_ID.test(v)) return false;
    if ((k === 'x-b3-spanid' || k === 'x-b3-parentspanid') && !B3_SPAN_ID.test(v)) return false;
    if (k === 'x-b3-sampled' && !B3_SAMPLED.test(v)) return false;
    if (k === 'x-b3-flags' && v !== '1') return false;
  }
  return true;
}

export const b3Cases: FuzzCase[] = [
  {
    parser: 'b3',
    name: 'extract (either encoding) never throws and yields only valid IDs; inject after extract sends valid B3 headers',
    property: () =>
      fc.property(carrier, (c) => {
        for (const p of [single_, multi]) {
          const ctx = p.extract(ROOT_CONTEXT, c, recordGetter);
          const sc = trace.getSpanContext(ctx);
          if (sc !== undefined && (!/^[0-9a-f]{32}$/.test(sc.traceId) || !/^[0-9a-f]{16}$/.test(sc.spanId) || /^0+$/.test(sc.traceId) || /^0+$/.test(sc.spanId))) {
            return false;
          }
          for (const q of [single_, multi]) {
            const out: Record<string, string> = {};
            q.inject(ctx, out, recordSetter);
            if (!validOut(out)) return false;
          }
        }
        return true;
      }),
  },
];
