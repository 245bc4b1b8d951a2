import { ComposableSampler } from './composableSampler.js';
import type { Intent } from './intent.js';

/** A sampler whose intent never changes (alwaysOn, alwaysOff, headSampler): nothing to do per span. */
export class FixedSampler extends ComposableSampler {
  constructor(private readonly intent: Intent) {
    super();
  }

  _decide(): Intent {
    return this.intent;
  }

  toString(): string {
    return this.intent.description;
  }
}
