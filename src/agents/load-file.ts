// Loads one agent file: its import (bounded by the import timeout, in the checking process or a
// worker) is validated, and the agent's own thread starts with its first request. Never throws:
// every problem becomes a failed outcome.
import { join } from "node:path";
import type { Logger } from "../log.ts";
import { type AgentCrash, AgentHost, type LoadResult } from "./isolate/host.ts";
import { remoteAgent } from "./isolate/remote-agent.ts";
import { checkReport } from "./isolate/report-shape.ts";
import { type AgentSettingsMap, effectiveSettings } from "./settings.ts";
import type { FailedAgent, LoadedAgent } from "./snapshot.ts";

/** What one file's load produced; `release` ends its worker once nobody serves it any more. */
export type FileOutcome =
  | { kind: "loaded"; agent: LoadedAgent; release(lingerMs: number): void }
  | { kind: "failed"; failure: FailedAgent };

export interface FileLoadOptions {
  dir: string;
  settings: AgentSettingsMap;
  importTimeoutMs: number;
  /** AGENT_TIMEOUT_MS: each hook call's limit, and how long a worker may stop answering. */
  timeoutMs: number;
  memoryLimitMb: number;
  /** Quiet time after which an agent's worker ends until its next request. */
  idleMs: number;
  logger: Logger;
  onCrash?: (crash: AgentCrash) => void;
}

/**
 * `imported`: the file's import in the checking process (isolate/check-batch.ts); null when that
 * process could not start, and a worker here imports it instead.
 */
export async function loadAgentFile(
  file: string,
  opts: FileLoadOptions,
  imported: Promise<LoadResult> | null = null,
): Promise<FileOutcome> {
  const loadedAt = new Date().toISOString();
  const started = performance.now();
  const host = new AgentHost({
    file,
    path: join(opts.dir, file),
    dir: opts.dir,
    importTimeoutMs: opts.importTimeoutMs,
    timeoutMs: opts.timeoutMs,
    memoryLimitMb: opts.memoryLimitMb,
    idleMs: opts.idleMs,
    logger: opts.logger,
    onCrash: opts.onCrash,
  });
  const result = await (imported ?? host.load());
  if (!result.ok) {
    host.end();
    return failed({ name: null, file, error: result.error, loadedAt });
  }
  const checked = checkReport(result.report);
  if (!checked.ok) {
    host.end();
    return failed({ name: checked.name, file, error: checked.error, loadedAt });
  }
  const shape = checked.definition;
  const name = shape.manifest.name;
  host.activate(shape, opts.settings[name] ?? {});
  host.park();
  const agent = remoteAgent({
    host,
    shape,
    file,
    loadedAt,
    loadMs: Math.round((performance.now() - started) * 100) / 100,
    settings: effectiveSettings(shape.settings, opts.settings[name]),
  });
  return { kind: "loaded", agent, release: (lingerMs) => host.retire(lingerMs) };
}

export function failed(failure: FailedAgent): FileOutcome {
  return { kind: "failed", failure };
}
