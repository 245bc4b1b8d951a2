/**
 * `npm run bench`: every micro-benchmark in one run, each next to its OTel baseline.
 * The long export scenarios (outage, throughput, heap) run with `npm run bench:export`.
 */
import { runIdBench } from './ids.js';
import { runSpanBench } from './spans.js';
import { runPropagationBench } from './propagation.js';

console.log(`# tracewise benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
await runIdBench();
await runSpanBench();
await runPropagationBench();
