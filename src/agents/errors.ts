// AgentError: a ProxyError that names the agent whose hook failed, timed out or misbehaved.
import { ProxyError } from "../errors.ts";

export class AgentError extends ProxyError {
  constructor(
    readonly agent: string,
    status: number,
    message: string,
    origin: ProxyError["origin"] = "proxy",
  ) {
    // Upstream failures met inside an agent's own model call keep blaming the upstream.
    super(status, message, origin);
  }
}

/** The thrown value as an AgentError naming `agent`, keeping a deliberate status (ProxyError or `status`). */
export function agentFailure(agent: string, err: unknown): AgentError {
  if (err instanceof AgentError && err.agent === agent) return err;
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof ProxyError) {
    return new AgentError(agent, err.status, `agent "${agent}" failed: ${text}`, err.origin);
  }
  // Agents import no runtime code from the proxy, so they pick a status with a plain `status` field.
  const status = (err as { status?: unknown } | null)?.status;
  const chosen = typeof status === "number" && status >= 400 && status <= 599 ? status : 500;
  return new AgentError(agent, chosen, `agent "${agent}" failed: ${text}`);
}

export function agentTimeout(agent: string, ms: number): AgentError {
  return new AgentError(agent, 500, `agent "${agent}" timed out after ${ms} ms`);
}
