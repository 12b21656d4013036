// The proxy's side of one agent file: its worker's life (load, watchdog, restart with backoff,
// retirement after a reload) and the calls made to it, which fail alone when the worker does.
import type { Logger } from "../../log.ts";
import { AgentError } from "../errors.ts";
import type { AgentHealth } from "../snapshot.ts";
import type { AgentDefinition } from "../types.ts";
import { HOOKS } from "../validate.ts";
import type { FromWorker, OpBody } from "./protocol.ts";
import { checkReport } from "./report-shape.ts";
import { restartDelayMs, STRIKES_TO_FAIL } from "./restart-policy.ts";
import { type HostSession, type OkReply, SessionTable } from "./sessions.ts";
import { Watchdog } from "./watchdog.ts";
import { bootWorker, type LoadResult } from "./worker-boot.ts";
import type { WorkerExit, WorkerLink } from "./worker-link.ts";

export interface HostOptions {
  /** Path relative to the agents folder (messages) and the absolute one (import). */
  file: string;
  path: string;
  dir: string;
  importTimeoutMs: number;
  /** AGENT_TIMEOUT_MS: a call's limit, and how long the worker may be unresponsive. */
  timeoutMs: number;
  memoryLimitMb: number;
  /** Idle time after which the worker ends; the next call starts it again (its module re-evaluated). */
  idleMs: number;
  logger: Logger;
  /** Told of each crash (the worker is then restarted): the event stream and the restart counter. */
  onCrash?: (crash: AgentCrash) => void;
}

/** Why a worker was ended: an uncaught error, process.exit, no answer within the timeout, memory. */
export type CrashKind = "error" | "exit" | "timeout" | "memory";

export interface AgentCrash {
  agent: string;
  file: string;
  kind: CrashKind;
  reason: string;
}

export type { LoadResult } from "./worker-boot.ts";

type State = "loading" | "ready" | "asleep" | "waiting" | "ended";

export class AgentHost {
  name: string;
  private state: State = "loading";
  private link: WorkerLink | null = null;
  /** Bumped on every new worker, so a late message or exit of an old one is ignored. */
  private generation = 0;
  /** Gives up on the load in progress, if there is one. */
  private cancelLoad: ((error: string) => void) | null = null;
  private readiness = PromiseWithResolvers();
  private operatorSettings: Record<string, unknown> = {};
  /** The hooks the proxy's stand-ins call (remote-agent.ts): a restarted module must have the same. */
  private hooks = "";
  private strikes = 0;
  private restarts = 0;
  private lastError: string | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private sleepTimer: ReturnType<typeof setTimeout> | undefined;
  private retired = false;
  private lingering = false;
  readonly calls: SessionTable;
  private readonly watchdog: Watchdog;

  constructor(private readonly opts: HostOptions) {
    this.name = opts.file;
    this.calls = new SessionTable({
      post: (msg) => this.link?.post(msg),
      agent: () => this.name,
      logger: () => opts.logger.child({ agent: this.name }),
      completed: () => {
        this.strikes = 0;
      },
      idle: () => this.onIdle(),
    });
    this.watchdog = new Watchdog({
      timeoutMs: opts.timeoutMs,
      memoryLimitBytes: opts.memoryLimitMb * 1024 * 1024,
      busy: () => this.calls.busy(),
      ping: (n) => this.link?.post({ t: "ping", n }),
      expire: (now) => this.calls.expire(now, opts.timeoutMs),
      kill: (kind, reason) => this.crash(kind, reason),
    });
  }

  get timeoutMs(): number {
    return this.opts.timeoutMs;
  }

  /**
   * Starts a worker that imports the module, at low priority (it must not slow the thread serving
   * HTTP); the caller checks the report, then activates and parks the host.
   */
  load(): Promise<LoadResult> {
    return this.spawnAndLoad(true);
  }

  /** The module passed validation as `definition`: requests may start. */
  activate(definition: AgentDefinition, operatorSettings: Record<string, unknown>): void {
    this.name = definition.manifest.name;
    this.hooks = hooksOf(definition);
    this.operatorSettings = operatorSettings;
    this.link?.post({ t: "settings", values: operatorSettings });
    this.state = "ready";
    this.readiness.resolve();
    if (!this.calls.busy()) this.onIdle();
  }

  /**
   * Ends the worker that checked the module: the agent's thread starts again with its first request
   * (the module evaluated afresh, as after an idle while), so unused agents hold no thread.
   */
  park(): void {
    clearTimeout(this.sleepTimer);
    this.sleep(false);
  }

  health(): AgentHealth {
    // Asleep, or being woken by a request, is as loaded as serving: only crashes make it restart.
    const serving =
      this.state === "ready" || this.state === "asleep" || (this.state === "loading" && this.strikes === 0);
    const status = serving ? "loaded" : this.strikes >= STRIKES_TO_FAIL ? "failed" : "restarting";
    return { status, restarts: this.restarts, error: this.lastError, asleep: this.state === "asleep" };
  }

  /** Sends one operation of `session`; the reply's `value` (and `done` for a takeover). */
  operate(session: HostSession, op: OpBody, limitMs: number | null): Promise<OkReply> {
    const waiting = this.beforeCall();
    if (waiting) return waiting.then(() => this.operate(session, op, limitMs));
    const sent = this.calls.send(session, op, limitMs, this.generation);
    this.watchdog.watch();
    return sent;
  }

  /** Starts a takeover; its pieces (or its failure) arrive in `session.inbox`. */
  run(session: HostSession): Promise<void> {
    const waiting = this.beforeCall();
    if (waiting) return waiting.then(() => this.run(session));
    this.calls.startRun(session, this.generation);
    this.watchdog.watch();
    return Promise.resolve();
  }

  /** Null when a call can go out now, else what to wait for (a sleeping worker is woken). */
  private beforeCall(): Promise<void> | null {
    if (this.sleepTimer !== undefined) {
      clearTimeout(this.sleepTimer);
      this.sleepTimer = undefined;
    }
    if (this.state === "ready" && this.link) return null;
    if (this.state === "asleep") void this.restart();
    return this.whenReady();
  }

  /** Stops serving new requests once the folder was reloaded; ends the worker when it is idle. */
  retire(lingerMs: number): void {
    if (this.retired) return;
    this.retired = true;
    clearTimeout(this.restartTimer);
    if (this.state !== "ready" && this.state !== "asleep") {
      this.end();
      return;
    }
    // Requests that took the old snapshot may still open sessions for a while (their upstream call
    // is on its way, or they have not reached this agent yet): the worker waits for them (an asleep
    // one wakes for them), then ends as soon as nothing is in flight.
    this.lingering = lingerMs > 0;
    if (this.lingering) {
      setTimeout(() => {
        this.lingering = false;
        this.endIfIdle();
      }, lingerMs).unref();
    } else this.endIfIdle();
  }

  /** Ends the worker now; calls still in flight fail. */
  end(): void {
    if (this.state === "ended") return;
    this.state = "ended";
    clearTimeout(this.restartTimer);
    clearTimeout(this.sleepTimer);
    this.watchdog.stop();
    this.cancelLoad?.("the agents folder was reloaded while this file loaded");
    this.link?.terminate();
    this.link = null;
    this.generation += 1;
    this.calls.failAll(this.unavailable());
    this.readiness.reject(this.unavailable());
  }

  /** Nothing in flight: a retired worker ends; a current one ends after a quiet while, to save memory. */
  private onIdle(): void {
    if (this.retired) {
      this.endIfIdle();
      return;
    }
    clearTimeout(this.sleepTimer);
    this.sleepTimer = setTimeout(() => this.sleep(), this.opts.idleMs);
    this.sleepTimer.unref();
  }

  private sleep(idle = true): void {
    this.sleepTimer = undefined;
    if (this.state !== "ready" || this.calls.busy()) return;
    this.link?.terminate();
    this.link = null;
    this.generation += 1;
    this.watchdog.stop();
    this.state = "asleep";
    this.readiness = PromiseWithResolvers();
    if (idle) this.opts.logger.debug("agent worker idle; ended until the next request", { agent: this.name });
  }

  private endIfIdle(): void {
    if (this.retired && !this.lingering && !this.calls.busy() && this.state !== "ended") this.end();
  }

  private whenReady(): Promise<void> {
    if (this.state === "ended" || this.strikes >= STRIKES_TO_FAIL) return Promise.reject(this.unavailable());
    return this.readiness.promise;
  }

  private unavailable(): AgentError {
    if (this.state === "ended") {
      const why = this.retired
        ? "the agents folder was reloaded while this request was in progress; send it again"
        : "the proxy is stopping";
      return new AgentError(this.name, 503, `agent "${this.name}" is unavailable: ${why}`);
    }
    return new AgentError(
      this.name,
      503,
      `agent "${this.name}" is unavailable: it failed ${this.strikes} times in a row (last: ${this.lastError})`,
    );
  }

  private async spawnAndLoad(background: boolean): Promise<LoadResult> {
    const generation = ++this.generation;
    const boot = bootWorker({
      name: `agent ${this.opts.file}`,
      path: this.opts.path,
      dir: this.opts.dir,
      importTimeoutMs: this.opts.importTimeoutMs,
      background,
      message: (msg) => generation === this.generation && this.onMessage(msg),
      exit: (exit) => generation === this.generation && this.onExit(exit),
    });
    this.link = boot.link;
    this.cancelLoad = boot.cancel;
    const result = await boot.loaded;
    this.cancelLoad = null;
    if (!result.ok && this.link === boot.link) this.link = null;
    return result;
  }

  private onMessage(msg: FromWorker): void {
    if (msg.t === "pong") this.watchdog.pong(msg.heap);
    else this.calls.receive(msg);
  }

  private onExit(exit: WorkerExit): void {
    this.link = null;
    this.crash(
      exit.error ? "error" : "exit",
      exit.error
        ? `its worker stopped on an uncaught error: ${exit.error}`
        : `it called process.exit(${exit.code})`,
    );
  }

  /** The worker is gone or being put down: fail what it was doing, restart it after a pause. */
  private crash(kind: CrashKind, reason: string): void {
    if (this.state === "ended") return;
    this.link?.terminate();
    this.link = null;
    this.generation += 1;
    this.watchdog.stop();
    this.calls.failAll(new AgentError(this.name, 500, `agent "${this.name}" failed: ${reason}`));
    this.strikes += 1;
    this.restarts += 1;
    this.lastError = reason;
    this.opts.logger.error("agent crashed; restarting it", {
      agent: this.name,
      file: this.opts.file,
      reason,
      restarts: this.restarts,
    });
    this.opts.onCrash?.({ agent: this.name, file: this.opts.file, kind, reason });
    if (this.retired) {
      this.end();
      return;
    }
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.state === "ready") {
      this.state = "waiting";
      this.readiness = PromiseWithResolvers();
    }
    // Calls waiting for the restart fail at once when the agent keeps failing.
    if (this.strikes >= STRIKES_TO_FAIL) this.readiness.reject(this.unavailable());
    this.restartTimer = setTimeout(() => void this.restart(), restartDelayMs(this.strikes));
    this.restartTimer.unref();
  }

  private async restart(): Promise<void> {
    this.state = "loading";
    if (this.strikes >= STRIKES_TO_FAIL) this.readiness = PromiseWithResolvers();
    const result = await this.spawnAndLoad(false);
    if ((this.state as State) === "ended") return;
    const checked = result.ok ? checkReport(result.report) : null;
    const error = !result.ok
      ? result.error
      : !checked?.ok
        ? (checked?.error ?? "invalid module")
        : checked.definition.manifest.name !== this.name
          ? `the module now calls itself "${checked.definition.manifest.name}"`
          : hooksOf(checked.definition) !== this.hooks
            ? `the module changed since it was loaded (hooks ${hooksOf(checked.definition) || "none"} instead of ${this.hooks || "none"}); it loads again with the agents folder`
            : null;
    if (error === null && checked?.ok) return this.activate(checked.definition, this.operatorSettings);
    this.link?.terminate();
    this.link = null;
    this.strikes += 1;
    this.lastError = `could not be restarted: ${error}`;
    this.opts.logger.error("agent could not be restarted", { agent: this.name, error });
    this.scheduleRestart();
  }
}

function hooksOf(definition: AgentDefinition): string {
  return HOOKS.filter((hook) => definition[hook]).join(", ");
}

/** A deferred whose rejection nobody waiting on is not an unhandled one. */
function PromiseWithResolvers() {
  const deferred = Promise.withResolvers<void>();
  deferred.promise.catch(() => {});
  return deferred;
}
