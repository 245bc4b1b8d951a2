/**
 * `npm run bench`: every micro-benchmark in one run, each next to its OTel baseline.
 * Longer scenarios have their own scripts: `npm run bench:export` (throughput, outage, heap),
 * `npm run bench:http` (a service under load), `npm run soak`.
 */
import { runEncodeBench } from './encode.js';
import { runForcingBench } from './forcing.js';
import { runIdBench } from './ids.js';
import { runPropagationBench } from './propagation.js';
import { runSamplingBench } from './sampling.js';
import { runSpanBench } from './spans.js';

console.log(`# tracewise benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
await runIdBench();
await runSpanBench();
await runSamplingBench();
await runForcingBench();
await runPropagationBench();
await runEncodeBench();
