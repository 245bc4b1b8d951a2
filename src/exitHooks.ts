/**
 * Flush on SIGTERM, SIGINT and `beforeExit` without changing how the application exits.
 *
 * A signal listener disables Node's default "terminate on signal". So when ours is the only
 * listener, we flush (bounded by the shutdown timeout) and then re-raise the signal with our
 * listener removed, so the process dies exactly as it would have without tracewise. When the
 * application has listeners of its own, it owns the exit and we only flush.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function installExitHooks(shutdown: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    const appHandlesIt = process.listenerCount(signal) > 1;
    void shutdown().finally(() => {
      if (!appHandlesIt) {
        remove();
        process.kill(process.pid, signal);
      }
    });
  };
  const onBeforeExit = () => {
    void shutdown();
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  process.once('beforeExit', onBeforeExit);

  const remove = () => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  };
  return remove;
}
