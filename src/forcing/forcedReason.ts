/** Why forcing kept a local trace the head sampler had dropped. */
export type ForcedReason = 'error' | 'latency' | 'predicate';

/**
 * The attribute on every span kept by forcing, valued with the reason. Such spans carry no `th`:
 * their keep is not probabilistic, so backends must not extrapolate them.
 */
export const FORCED_ATTRIBUTE = 'tracewise.forced';
