import { expect } from 'vitest';
import type { ReceivedSpan } from '../helpers/otlpServer.js';

/** OTLP span kinds. */
export const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

const list = (spans: ReceivedSpan[]) => spans.map((s) => `${s.resource['service.name']}:${s.kind}:${s.name}`).join(', ');

/** The single span matching `pred`; fails listing every span otherwise. */
export function one(spans: ReceivedSpan[], pred: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(pred);
  expect(found, `${what} among ${list(spans)}`).toHaveLength(1);
  return found[0];
}

/** Asserts `child` is a direct child of `parent` in the same trace. */
export function expectChildOf(child: ReceivedSpan, parent: ReceivedSpan): void {
  expect(child.traceId, `${child.name} in the trace of ${parent.name}`).toBe(parent.traceId);
  expect(child.parentSpanId, `${child.name} is a child of ${parent.name}`).toBe(parent.spanId);
}

export const service = (s: ReceivedSpan) => s.resource['service.name'];
