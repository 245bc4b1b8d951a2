/**
 * Provenance attributes written on every span a tracewise sampler keeps, so that backends
 * without `th` support can still tell who decided and extrapolate counts (adjusted count =
 * 1 / probability).
 */

/** String: the description of the deciding sampler (for a rule: `rule[<name or #index>]>…`). */
export const ATTR_TRACEWISE_SAMPLER = 'tracewise.sampler';

/**
 * Number: the effective probability with which the span was kept, present only when the
 * decision was probabilistic (it then equals the probability encoded by the `th` the span carries).
 */
export const ATTR_TRACEWISE_SAMPLING_PROBABILITY = 'tracewise.sampling.probability';
