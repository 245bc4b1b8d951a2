/**
 * `npm run fuzz`: every hostile-input property of test/hardening at full strength — 100,000
 * cases per property by default (a property with weight w runs w × that; each parser's cases add
 * up to at least 100,000) — and a summary table: parser, cases, failures.
 *
 *   npm run fuzz                       # 100k per property, a fresh random seed (printed)
 *   FUZZ_RUNS=1000000 npm run fuzz     # more
 *   FUZZ_SEED=1234 npm run fuzz        # replay a run
 *   npm run fuzz -- traceparent b3     # only the parsers whose name contains one of these
 *
 * Exits 1 when any property fails, after printing its counterexample.
 */
import fc from 'fast-check';
import { diag } from '@opentelemetry/api';
import { ALL_FUZZ_CASES } from '../test/hardening/allFuzzCases.js';

const runs = Number(process.env.FUZZ_RUNS) || 100_000;
const seed = Number(process.env.FUZZ_SEED) || (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const only = process.argv.slice(2).filter((a) => a !== '--');
diag.disable(); // bad environment values are reported through diag; thousands of lines help no one

interface Row {
  parser: string;
  properties: number;
  cases: number;
  failures: number;
  ms: number;
}

const rows = new Map<string, Row>();
const failures: string[] = [];
console.log(`fuzz: ${runs} cases per property, seed ${seed}`);
for (const c of ALL_FUZZ_CASES) {
  if (only.length > 0 && !only.some((o) => c.parser.includes(o))) continue;
  const numRuns = Math.max(1, Math.round(runs * (c.weight ?? 1)));
  const t0 = performance.now();
  const details = fc.check(c.property(), { numRuns, seed });
  const ms = performance.now() - t0;
  const row = rows.get(c.parser) ?? { parser: c.parser, properties: 0, cases: 0, failures: 0, ms: 0 };
  row.properties++;
  row.cases += details.numRuns;
  row.ms += ms;
  if (details.failed) {
    row.failures++;
    failures.push(`${c.parser}: ${c.name}\n${fc.defaultReportMessage(details)}`);
  }
  rows.set(c.parser, row);
  console.log(`  ${details.failed ? 'FAIL' : 'ok  '} ${c.parser}: ${c.name} (${details.numRuns} cases, ${(ms / 1000).toFixed(1)} s)`);
}

console.log('\n| parser | properties | cases | failures | seconds |\n| --- | ---: | ---: | ---: | ---: |');
let total = 0;
for (const r of rows.values()) {
  total += r.cases;
  console.log(`| ${r.parser} | ${r.properties} | ${r.cases} | ${r.failures} | ${(r.ms / 1000).toFixed(1)} |`);
}
console.log(`\n${total} cases, ${failures.length} failing properties, seed ${seed}`);
for (const f of failures) console.log(`\n${f}`);
process.exitCode = failures.length > 0 ? 1 : 0;
