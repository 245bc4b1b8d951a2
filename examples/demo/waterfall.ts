import type { ReceivedSpan } from '../../test/helpers/otlpServer.js';

const BAR_WIDTH = 40;
const STATUS = ['', 'OK', 'ERROR'];

/** Renders one trace as an indented waterfall: service, span name, duration bar, status. */
export function waterfall(spans: ReceivedSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId)) {
      const list = children.get(s.parentSpanId) ?? [];
      list.push(s);
      children.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const start = spans.reduce((m, s) => (s.startTimeUnixNano < m ? s.startTimeUnixNano : m), spans[0].startTimeUnixNano);
  const end = spans.reduce((m, s) => (s.endTimeUnixNano > m ? s.endTimeUnixNano : m), spans[0].endTimeUnixNano);
  const total = Number(end - start) || 1;
  const lines: string[] = [];
  const walk = (s: ReceivedSpan, depth: number) => {
    const from = Math.floor((Number(s.startTimeUnixNano - start) / total) * BAR_WIDTH);
    const len = Math.max(1, Math.round((Number(s.endTimeUnixNano - s.startTimeUnixNano) / total) * BAR_WIDTH));
    const bar = ' '.repeat(from) + '█'.repeat(Math.min(len, BAR_WIDTH - from));
    const label = `${'  '.repeat(depth)}${String(s.resource['service.name'])}: ${s.name}`;
    const status = STATUS[s.status.code] ? ` ${STATUS[s.status.code]}${s.status.message ? ` (${s.status.message})` : ''}` : '';
    lines.push(`${label.padEnd(44)} |${bar.padEnd(BAR_WIDTH)}| ${s.durationMs.toFixed(1).padStart(7)} ms${status}`);
    for (const c of (children.get(s.spanId) ?? []).sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano))) walk(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano))) walk(r, 0);
  return lines.join('\n');
}
