import { TraceFlags } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { asComposable } from './asComposable.js';
import { ComposableSampler, type SpanInput } from './composableSampler.js';
import { ALWAYS_THRESHOLD, keeps, type Threshold } from './consistentProbability.js';
import { DROP, KEEP, makeIntent, PROBABILISTIC, type Intent } from './intent.js';
import { checkBoolean, checkObject, checkSampler } from './validation.js';

export interface ParentBasedOptions {
  /**
   * When the parent carries a valid `th`, decide R >= th and ignore its sampled flag (the OTel
   * composite-sampler spec's ComposableParentThreshold). Default false: the flag decides, and a
   * `th` that contradicts it is erased.
   */
  followThreshold?: boolean;
}

/**
 * Spans with a parent (remote or local) follow the parent's decision; spans without one are
 * decided by `root`. The parent's `th` stays when its sampled flag agrees with R >= th, and is
 * erased when it contradicts it (the decision then is not known to be probabilistic).
 */
export function parentBased(root: Sampler, options: ParentBasedOptions = {}): Sampler {
  checkSampler('root', root);
  const o = checkObject('options', options, ['followThreshold']);
  return new ParentBasedSampler(root, checkBoolean('followThreshold', o.followThreshold, false));
}

export class ParentBasedSampler extends ComposableSampler {
  readonly root: ComposableSampler;
  private readonly followThreshold: boolean;
  private readonly description: string;
  private readonly keepIntent: Intent;
  private readonly dropIntent: Intent;
  private lastTh: Threshold = ALWAYS_THRESHOLD;
  private lastThIntent: Intent;

  constructor(root: Sampler, followThreshold = false) {
    super();
    // parentBased(parentBased(x)) decides exactly like parentBased(x): roots never have a parent.
    this.root = root instanceof ParentBasedSampler ? root.root : asComposable(root);
    this.followThreshold = followThreshold;
    this.description = `ParentBased{root=${this.root.toString()}${followThreshold ? ', followThreshold=true' : ''}}`;
    this.keepIntent = makeIntent(KEEP, ALWAYS_THRESHOLD, this.description, true);
    this.dropIntent = makeIntent(DROP, ALWAYS_THRESHOLD, this.description, true);
    this.lastThIntent = makeIntent(PROBABILISTIC, ALWAYS_THRESHOLD, this.description, true);
  }

  _decide(span: SpanInput): Intent {
    const parent = span.parent;
    if (parent === undefined) return this.root._decide(span);
    const sampled = (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
    const ot = span.ot;
    const th = ot.th;
    // No th: follow the flag; the decision is not known to be probabilistic.
    if (th === undefined) return sampled ? this.keepIntent : this.dropIntent;
    if (this.followThreshold || keeps(span.traceId, ot.rv, th) === sampled) return this.intentFor(th);
    // The flag contradicts R >= th: follow the flag, and the intent erases the untrue th.
    return sampled ? this.keepIntent : this.dropIntent;
  }

  /** The probabilistic intent at the parent's threshold (one-entry cache: one trace, one th). */
  private intentFor(th: Threshold): Intent {
    if (th.t14 !== this.lastTh.t14) {
      this.lastThIntent = makeIntent(PROBABILISTIC, th, this.description, true);
      this.lastTh = th;
    }
    return this.lastThIntent;
  }

  toString(): string {
    return this.description;
  }
}

/** Wraps `root` in ParentBased unless the factory's `parentBased` option is false. */
export function maybeParentBased(root: ComposableSampler, option: unknown): Sampler {
  return checkBoolean('parentBased', option, true) ? new ParentBasedSampler(root) : root;
}
