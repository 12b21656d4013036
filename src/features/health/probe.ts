// Asks the upstream for its version with a short deadline; never throws.
import { ProxyError } from "../../errors.ts";
import type { UpstreamClient } from "../../upstream/client.ts";
import { describeNetworkError } from "../../upstream/network-error.ts";

export interface UpstreamProbe {
  url: string;
  reachable: boolean;
  version: string | null;
  latencyMs: number | null;
  error?: string;
}

export async function probeUpstream(upstream: UpstreamClient, timeoutMs: number): Promise<UpstreamProbe> {
  const started = performance.now();
  try {
    const body = await upstream.json<{ version?: unknown }>("/api/version", {
      signal: AbortSignal.timeout(timeoutMs),
      timeoutMs,
    });
    return {
      url: upstream.baseUrl,
      reachable: true,
      version: typeof body?.version === "string" ? body.version : null,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      url: upstream.baseUrl,
      reachable: false,
      version: null,
      latencyMs: null,
      error: timedOut ? `no answer within ${timeoutMs} ms` : shortCause(err),
    };
  }
}

/** The cause alone ("connection refused"): the probe already names the upstream beside it. */
function shortCause(err: unknown): string {
  if (err instanceof ProxyError) return err.message.replace(/^upstream Ollama at \S+ is unreachable: /, "");
  return describeNetworkError(err);
}
