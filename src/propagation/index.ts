export { createPropagator } from './createPropagator.js';
export { propagatorsFromEnv } from './propagatorsFromEnv.js';
export {
  validatePropagators,
  PROPAGATOR_NAMES,
  DEFAULT_PROPAGATORS,
  type PropagatorName,
} from './validatePropagators.js';
export {
  W3CTraceContextPropagator,
  TRACE_PARENT_HEADER,
  TRACE_STATE_HEADER,
} from './W3CTraceContextPropagator.js';
export { W3CTraceState } from './W3CTraceState.js';
export { parseTraceParent, type ParsedTraceParent } from './parseTraceParent.js';
export { parseTraceState, type TraceStateEntry } from './parseTraceState.js';
export { isTraceStateKey, isTraceStateValue } from './traceStateSyntax.js';
export { b3Propagator, B3_DEBUG_FLAG_KEY, type B3Encoding } from './b3Propagator.js';
export { noopPropagator } from './noopPropagator.js';
export { injectInto, type Propagates } from './injectInto.js';
export { extractFrom } from './extractFrom.js';
export { httpHeaders, type HttpHeaderRecord } from './carriers/httpHeaders.js';
export { httpMessage, type HttpMessageLike } from './carriers/httpMessage.js';
export { fetchHeaders, type FetchHeadersLike } from './carriers/fetchHeaders.js';
export { grpcMetadata, type GrpcMetadataLike } from './carriers/grpcMetadata.js';
export { mapCarrier } from './carriers/mapCarrier.js';
export { environmentCarrier, environmentName, type EnvironmentRecord } from './carriers/environmentCarrier.js';
export { messageAttributes, sqsMessageAttributes, type AttributeRecord } from './carriers/messageAttributes.js';
