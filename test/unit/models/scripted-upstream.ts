// An upstream client whose /api/pull and /api/tags answers the test scripts line by line.
import { createUpstreamClient, type UpstreamClient } from "../../../src/upstream/client.ts";

export interface ScriptedPull {
  body: Record<string, unknown>;
  signal: AbortSignal;
  /** Sends one NDJSON line. */
  line(value: Record<string, unknown>): void;
  end(): void;
  /** True once the proxy cancelled the upstream request. */
  aborted(): boolean;
}

export interface Scripted {
  upstream: UpstreamClient;
  pulls: ScriptedPull[];
  /** Installed model names /api/tags reports. */
  installed: string[];
  tagsCalls: number;
  /** Answer for the next pull request instead of a stream (e.g. a 400 refusal). */
  refuseNext: { status: number; error: string } | null;
}

export function scriptedUpstream(): Scripted {
  const encoder = new TextEncoder();
  const state: Scripted = {
    upstream: undefined as unknown as UpstreamClient,
    pulls: [],
    installed: [],
    tagsCalls: 0,
    refuseNext: null,
  };
  state.upstream = createUpstreamClient({
    baseUrl: "http://ollama.test:11434",
    idleTimeoutMs: 0,
    fetch: async (input, init) => {
      const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
      if (url.pathname === "/api/tags") {
        state.tagsCalls++;
        return Response.json({ models: state.installed.map((name) => ({ name, model: name })) });
      }
      if (url.pathname !== "/api/pull") return Response.json({ error: "not scripted" }, { status: 500 });
      if (state.refuseNext) {
        const { status, error } = state.refuseNext;
        state.refuseNext = null;
        return Response.json({ error }, { status });
      }
      const signal = init?.signal ?? new AbortController().signal;
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
      let wasAborted = false;
      signal.addEventListener("abort", () => {
        wasAborted = true;
        controller.error(new DOMException("aborted", "AbortError"));
      });
      state.pulls.push({
        body: JSON.parse(String(init?.body)),
        signal,
        line: (value) => controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`)),
        end: () => controller.close(),
        aborted: () => wasAborted,
      });
      return new Response(body, { headers: { "content-type": "application/x-ndjson" } });
    },
  });
  return state;
}

/** A typical pull: manifest, one layer in steps, then success. */
export function layer(completed: number, total = 1000): Record<string, unknown> {
  return { status: "pulling abc123def456", digest: "sha256:abc", total, completed };
}
