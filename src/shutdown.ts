// SIGTERM/SIGINT: stop accepting, let in-flight requests finish within the grace period, exit 0.
import { ProxyError } from "./errors.ts";
import type { Logger } from "./log.ts";

/** How long the error frames of cut streams get to reach their sockets before every connection closes. */
const FLUSH_MS = 500;

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
  beforeExit?: () => void | Promise<void>;
  /** Ends the streams still running with an error frame carrying `reason` (the relay's stop signal). */
  cutStreams?: (reason: ProxyError) => void;
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
      await closeAll(stoppedMessage("a second stop signal came"), Bun.sleep(FLUSH_MS));
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
      logger.warn("grace period over: ending the remaining streams and closing connections", {
        inFlight: server.pendingRequests,
      });
      const message = stoppedMessage(`the ${graceSeconds} s grace period (SHUTDOWN_GRACE) is over`);
      await closeAll(message, Promise.race([drained, Bun.sleep(FLUSH_MS)]));
    }
    // Cleanup (queued spans, pending usage) gets what is left of the grace period, at least FLUSH_MS.
    const left = Math.max(FLUSH_MS, graceSeconds * 1000 - (performance.now() - firstSignalAt));
    try {
      const cleaned = Promise.resolve(opts.beforeExit?.()).then(() => true);
      if (!(await Promise.race([cleaned, Bun.sleep(left).then(() => false)])))
        logger.warn("stopping: cleanup did not finish within the grace period", {
          waitedMs: Math.round(left),
        });
    } catch (error) {
      logger.error("stopping: cleanup failed", { error: String(error) });
    }
    logger.info("stopped");
    process.exit(0);
  };
  /** Streams first get a last frame saying why; once it has had time to go out, every socket closes. */
  async function closeAll(message: string, flushed: Promise<unknown>): Promise<void> {
    opts.cutStreams?.(new ProxyError(503, message));
    await flushed;
    await server.stop(true);
  }
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

function stoppedMessage(why: string): string {
  return `the proxy is shutting down and ${why}: this response was cut short`;
}
