import { diag } from '@opentelemetry/api';
import type { Instrumentation as OTelInstrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';

/** The official HTTP instrumentation's name (matched by name: a second copy of the package counts too). */
export const OFFICIAL_HTTP = '@opentelemetry/instrumentation-http';

/** The HTTP instrumentations tracewise builds for the default set (`http` by name). */
const defaults = new WeakSet<OTelInstrumentation>();

/** Marks an instance as one of the default set's HTTP pair. */
export function markDefaultHttp<T extends OTelInstrumentation>(inst: T): T {
  defaults.add(inst);
  return inst;
}

type HttpConfig = InstrumentationConfig & { disableIncomingRequestInstrumentation?: boolean; disableOutgoingRequestInstrumentation?: boolean };

/**
 * Drops the default set's HTTP instrumentations that an @opentelemetry/instrumentation-http the
 * application added itself would collide with (`[...defaultInstrumentations(), new
 * HttpInstrumentation({ headersToSpanAttributes })]`): two instrumentations wrapping the same
 * function replace each other (shimmer unwraps the first), so which one traced — and with whose
 * options — would depend on construction order. The application's own wins, for the directions
 * it handles; dropped ones are disabled (constructing one already patched its modules).
 */
export function withoutShadowedDefaults(list: readonly OTelInstrumentation[]): OTelInstrumentation[] {
  let incoming = false;
  let outgoing = false;
  for (const i of list) {
    if (i.instrumentationName !== OFFICIAL_HTTP || defaults.has(i)) continue;
    const c = i.getConfig() as HttpConfig;
    if (c.disableIncomingRequestInstrumentation !== true) incoming = true;
    if (c.disableOutgoingRequestInstrumentation !== true) outgoing = true;
  }
  if (!incoming && !outgoing) return [...list];
  const kept: OTelInstrumentation[] = [];
  for (const i of list) {
    const shadowed = defaults.has(i) && (i.instrumentationName === OFFICIAL_HTTP ? outgoing : incoming);
    if (!shadowed) {
      kept.push(i);
      continue;
    }
    if (hasPatched(i)) {
      // Disabling it now would unwrap whatever wrapper is on top, possibly the application's.
      kept.push(i);
      diag.warn(`tracewise: the default set's ${i.instrumentationName} and the application's ${OFFICIAL_HTTP} both trace the same requests; leave ...defaultInstrumentations() out, or its http entries`);
      continue;
    }
    i.disable();
    diag.debug(`tracewise: ${i.instrumentationName} of the default set left out: the application's own ${OFFICIAL_HTTP} handles ${i.instrumentationName === OFFICIAL_HTTP ? 'outgoing' : 'incoming'} requests`);
  }
  return kept;
}

/** Whether an InstrumentationBase has patched a module already (`_modules` is its own state). */
function hasPatched(i: OTelInstrumentation): boolean {
  const modules = (i as { _modules?: { moduleExports?: unknown }[] })._modules;
  return Array.isArray(modules) && modules.some((m) => m.moduleExports !== undefined);
}
