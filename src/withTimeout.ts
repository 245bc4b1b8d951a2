import { diag } from '@opentelemetry/api';

/** Resolves when `work` settles or after `ms`, whichever comes first; never rejects. */
export function withTimeout(work: Promise<unknown>, ms: number, what: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      diag.warn(`tracewise: ${what} did not finish within ${ms} ms; giving up on it.`);
      resolve();
    }, ms);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        diag.error(`tracewise: ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
        resolve();
      },
    );
  });
}
