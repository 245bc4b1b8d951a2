import type { Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';
import { TracewiseTracer, type TracerCore } from './tracewiseTracer.js';

/**
 * The provider registered globally: hands out TracewiseTracers over the SDK provider's tracers,
 * so instrumentations that call `trace.getTracer()` get the same fast sampling path.
 */
export class TracewiseTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, Tracer>();

  constructor(
    private readonly sdk: TracerProvider,
    private readonly core: TracerCore,
  ) {}

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      tracer = new TracewiseTracer(this.sdk.getTracer(name, version, options), this.core);
      this.tracers.set(key, tracer);
    }
    return tracer;
  }
}
