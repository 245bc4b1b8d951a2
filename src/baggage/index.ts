export { W3CBaggagePropagator, BAGGAGE_HEADER } from './W3CBaggagePropagator.js';
export { parseBaggageHeader, type BaggageMember } from './parseBaggageHeader.js';
export { serializeBaggage } from './serializeBaggage.js';
export { baggageMetadata, baggageProperties, type BaggageProperty } from './properties.js';
export { BAGGAGE_MAX_BYTES, BAGGAGE_MAX_SCAN } from './limits.js';
export { createBaggageManager, type BaggageManager, type BaggageManagerOptions } from './createBaggageManager.js';
export { withStaticBaggage } from './withStaticBaggage.js';
export { normalizeStaticEntries } from './staticEntries.js';
export { baggageSpanProcessor, BAGGAGE_ATTRIBUTE_PREFIX, type BaggageAllow } from './baggageSpanProcessor.js';
