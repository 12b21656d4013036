// The pipeline as a function of its input: new bodies instead of edits, and the lines it makes itself.
import { describe, expect, test } from "bun:test";
import { ProxyError } from "../../../src/errors.ts";
import { silentLogger } from "../../../src/log.ts";
import type { AgentStage } from "../../../src/pipeline/agent-stage.ts";
import { type PipelineDeps, runTurn } from "../../../src/pipeline/run-turn.ts";
import type { NativeRequest, TurnEvent, TurnInput } from "../../../src/pipeline/turn.ts";
import { createUpstreamClient } from "../../../src/upstream/client.ts";
import type { InferenceChunk } from "../../../src/wire/ollama.ts";

/** An upstream that answers every call with these NDJSON lines and records the bodies it got. */
function scriptedUpstream(lines: unknown[]) {
  const bodies: string[] = [];
  const upstream = createUpstreamClient({
    baseUrl: "http://upstream.test:11434",
    idleTimeoutMs: 0,
    fetch: async (_url, init) => {
      bodies.push(String(init?.body ?? ""));
      const text = lines.map((l) => `${JSON.stringify(l)}\n`).join("");
      return new Response(text, { headers: { "content-type": "application/x-ndjson" } });
    },
  });
  return { upstream, bodies };
}

const models = { resolve: (m: string) => m, async *ensure() {}, keepAliveFor: () => "10m" as const };

function deps(upstream: PipelineDeps["upstream"], agents: AgentStage | null = null): PipelineDeps {
  return { upstream, models, agents, loadProgress: { afterMs: 0, everyMs: 0 } };
}

function input(body: NativeRequest, over: Partial<TurnInput> = {}): TurnInput {
  return {
    kind: "chat",
    body: Object.freeze(body),
    bodyText: JSON.stringify(body),
    clientStream: true,
    needsChunks: false,
    fillKeepAlive: false,
    missingModel: new ProxyError(400, "model is required"),
    headers: new Headers(),
    signal: new AbortController().signal,
    logger: silentLogger,
    ...over,
  };
}

async function chunks(events: AsyncIterable<TurnEvent>): Promise<InferenceChunk[]> {
  const out: InferenceChunk[] = [];
  for await (const e of events) if (e.type === "chunk") out.push(e.chunk);
  return out;
}

const hi = { model: "llama3.2", messages: [{ role: "user", content: "hi" }] };

describe("the body to send", () => {
  test("nothing changed it: it is the client's body, and the client's own bytes go upstream", async () => {
    const { upstream, bodies } = scriptedUpstream([{ done: true }]);
    const text = '{ "model":"llama3.2",  "messages":[{"role":"user","content":"hi"}] }';
    const turnInput = input(hi, { bodyText: text });
    const turn = await runTurn(turnInput, deps(upstream));
    expect(turn.body).toBe(turnInput.body);
    const first = await turn.events.next();
    expect(first.value?.type).toBe("upstream");
    expect(bodies).toEqual([text]);
  });

  test("a translated turn gets a new body (stream forced, keep_alive filled); the input stays as it was", async () => {
    const { upstream, bodies } = scriptedUpstream([{ message: { content: "x" } }, { done: true }]);
    const body = { ...hi, stream: false };
    const turnInput = input(body, { needsChunks: true, fillKeepAlive: true, bodyText: undefined });
    const turn = await runTurn(turnInput, deps(upstream));
    expect(turn.body).not.toBe(turnInput.body);
    expect(turn.body).toMatchObject({ stream: true, keep_alive: "10m" });
    expect(turnInput.body).toEqual({ ...hi, stream: false });
    await chunks(turn.events);
    expect(JSON.parse(bodies[0] ?? "{}")).toMatchObject({ stream: true, keep_alive: "10m" });
  });

  test("a keep_alive the client sent is kept", async () => {
    const { upstream } = scriptedUpstream([{ done: true }]);
    const turn = await runTurn(input({ ...hi, keep_alive: "1m" }, { fillKeepAlive: true }), deps(upstream));
    expect(turn.body?.keep_alive).toBe("1m");
  });

  test("no model and no default: the route's own error, before any event", async () => {
    const { upstream } = scriptedUpstream([]);
    const missing = new ProxyError(404, "model '' not found");
    const err = await runTurn(input({ messages: [] }, { missingModel: missing }), deps(upstream)).catch(
      (e) => e,
    );
    expect(err).toBe(missing);
  });
});

describe("lines the proxy makes itself", () => {
  /** A chain of one agent that holds every piece back until the end. */
  const holdAll: AgentStage = {
    plan: (turnInput) => ({
      kind: "chain",
      names: ["hold"],
      body: turnInput.body,
      async prepare(body) {
        let held = "";
        return {
          body: { ...body },
          transform: {
            chunk: (t: string) => {
              held += t;
              return "";
            },
            flush: () => held,
          },
          takeover: null,
        };
      },
    }),
  };

  test("the held text and the final done chunk are separate lines, in order, never back in time", async () => {
    const { upstream } = scriptedUpstream([
      {
        model: "llama3.2",
        created_at: "2026-01-01T00:00:00.000Z",
        message: { role: "assistant", content: "a" },
        done: false,
      },
      {
        model: "llama3.2",
        created_at: "2026-01-01T00:00:01.000Z",
        message: { role: "assistant", content: "b" },
        done: true,
        done_reason: "stop",
        eval_count: 2,
      },
    ]);
    const turn = await runTurn(input(hi), deps(upstream, holdAll));
    expect(turn.agents).toEqual(["hold"]);
    const out = await chunks(turn.events);
    const last = out.at(-1);
    const beforeLast = out.at(-2);
    expect(last).toMatchObject({ done: true, done_reason: "stop", eval_count: 2, message: { content: "" } });
    // "b" arrived in the final chunk: it goes out after "a", on the line before the final one.
    expect(beforeLast).toMatchObject({ done: false, message: { content: "ab" } });
    const times = out.map((c) => Date.parse(c.created_at ?? ""));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
  });
});
