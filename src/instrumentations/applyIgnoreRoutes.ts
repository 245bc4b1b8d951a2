import type { IncomingMessage } from 'node:http';
import type { Instrumentation as OTelInstrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import { HTTP_SERVER_INSTRUMENTATION } from './httpServer/httpServerInstrumentation.js';
import { ignoreRoutesHook, type IgnoreRoute } from './ignoreRoutes.js';
import { OFFICIAL_HTTP } from './withoutShadowedDefaults.js';

/** Instrumentations that trace incoming HTTP requests and take an `ignoreIncomingRequestHook`. */
const HTTP_SERVER_INSTRUMENTATIONS = new Set([OFFICIAL_HTTP, HTTP_SERVER_INSTRUMENTATION]);

type IncomingHook = (req: IncomingMessage) => boolean;

/** The application's own hook per instrumentation, so re-applying never stacks our checks. */
const ownHooks = new WeakMap<object, IncomingHook | undefined>();

/**
 * Adds the `ignoreRoutes` check to every HTTP instrumentation in the list, whether tracewise made
 * it or the application did; a hook the application set itself still applies (either one skips).
 * Matched by name rather than class, so a second copy of the package is handled too.
 */
export function applyIgnoreRoutes(instrumentations: readonly OTelInstrumentation[], routes: readonly IgnoreRoute[]): void {
  const ours = ignoreRoutesHook(routes);
  for (const i of instrumentations) {
    if (!HTTP_SERVER_INSTRUMENTATIONS.has(i.instrumentationName)) continue;
    const inst = i as OTelInstrumentation<InstrumentationConfig & { ignoreIncomingRequestHook?: IncomingHook }>;
    const config = inst.getConfig();
    if (!ownHooks.has(inst)) ownHooks.set(inst, config.ignoreIncomingRequestHook);
    const theirs = ownHooks.get(inst);
    const hook = ours === undefined ? theirs : theirs === undefined ? ours : (req: IncomingMessage) => ours(req) || theirs(req);
    inst.setConfig({ ...config, ignoreIncomingRequestHook: hook });
  }
}
