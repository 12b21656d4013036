// SIGTERM/SIGINT: stop accepting, let in-flight requests finish within the grace period, exit 0.
import type { Logger } from "./log.ts";

interface StoppableServer {
  stop(closeActiveConnections?: boolean): Promise<void>;
  readonly pendingRequests: number;
}

export function installGracefulStop(opts: {
  server: StoppableServer;
  logger: Logger;
  graceSeconds: number;
  /** Runs once when stopping starts (e.g. stop watching the agents folder). */
  onStop?: () => void;
  /** Runs once the server is drained or the grace period is over, just before exit. */
  beforeExit?: () => void;
}): void {
  const { server, logger, graceSeconds } = opts;
  let stopping = false;
  let firstSignalAt = 0;
  const onSignal = async (signal: NodeJS.Signals) => {
    // Ctrl-C reaches every process of the terminal's group, so a wrapper that forwards it delivers a
    // second copy at once; only a signal sent later means "stop now".
    if (stopping && performance.now() - firstSignalAt < 1000) return;
    if (stopping) {
      logger.warn("second stop signal: closing every connection now", { signal });
      await server.stop(true);
      process.exit(0);
    }
    stopping = true;
    firstSignalAt = performance.now();
    opts.onStop?.();
    logger.info("stopping: no new connections; waiting for requests in flight", {
      signal,
      inFlight: server.pendingRequests,
      graceSeconds,
    });
    const drained = server.stop(false).then(() => true);
    const expired = Bun.sleep(graceSeconds * 1000).then(() => false);
    if (!(await Promise.race([drained, expired]))) {
      logger.warn("grace period over: closing the remaining connections", {
        inFlight: server.pendingRequests,
      });
      await server.stop(true);
    }
    opts.beforeExit?.();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
