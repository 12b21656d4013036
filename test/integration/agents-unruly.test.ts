// Agents that misbehave while loading or serving: the proxy starts at once, keeps answering every
// other request, reports them in /plugins, and fails only their own requests with a clear error.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

const UNRULY = path.resolve(import.meta.dir, "../fixtures/agents-unruly");
const IMPORT_TIMEOUT_MS = 1500;
/** AGENT_TIMEOUT_MS here: a hook's limit, and how long a worker may stop answering. */
const TIMEOUT_MS = 600;

interface PluginsBody {
  loaded: number;
  failed: number;
  loading: number;
  agents: Array<{
    name: string | null;
    status: string;
    file: string;
    error?: string | null;
    restarts?: number;
    asleep?: boolean;
  }>;
}

let fake: FakeOllama;
let proxy: TestProxy;
let startedInMs: number;
/** Every `agent.crashed` event GET /events sends while this file runs. */
const crashes: Array<Record<string, unknown>> = [];
const stopEvents = new AbortController();

beforeAll(async () => {
  fake = await startFakeOllama();
  const t0 = performance.now();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: {
      agentsDir: UNRULY,
      agentImportTimeoutMs: IMPORT_TIMEOUT_MS,
      agentTimeoutMs: TIMEOUT_MS,
      agentMemoryMb: 64,
    },
    waitForAgents: false,
    agentSettings: { waits: { note: "from the operator" } },
  });
  startedInMs = performance.now() - t0;
  void collectCrashes();
});
afterAll(async () => {
  stopEvents.abort();
  await proxy.stop();
  await fake.stop();
});

async function collectCrashes(): Promise<void> {
  const res = await fetch(`${proxy.url}/events`, { signal: stopEvents.signal });
  let text = "";
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += new TextDecoder().decode(chunk);
      for (let at = text.indexOf("\n\n"); at !== -1; at = text.indexOf("\n\n")) {
        const frame = text.slice(0, at);
        text = text.slice(at + 2);
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (/^event: agent\.crashed$/m.test(frame) && data) crashes.push(JSON.parse(data));
      }
    }
  } catch {
    // aborted at the end
  }
}

const plugins = async () => (await (await fetch(`${proxy.url}/plugins`)).json()) as PluginsBody;
const byFile = (body: PluginsBody, file: string) => body.agents.find((a) => a.file === file);

describe("loading in the background", () => {
  test("the proxy listens at once; a file that never finishes importing shows as loading", async () => {
    expect(startedInMs).toBeLessThan(IMPORT_TIMEOUT_MS);
    const res = await fetch(`${proxy.url}/health/live`);
    expect(res.status).toBe(200);
    expect(byFile(await plugins(), "slow-import.ts")).toMatchObject({ name: null, status: "loading" });
    const one = await fetch(`${proxy.url}/plugins/slow-import`);
    expect(await one.json()).toMatchObject({ status: "loading", file: "slow-import.ts" });
  });

  test("plain chats and other agents' chats are served while it loads", async () => {
    const client = new Ollama({ host: proxy.url });
    const plain = await client.chat({ model: "llama3.2", messages: [{ role: "user", content: "hi" }] });
    expect(plain.message.content).toBe("You said: hi");
    await eventually("upper loaded", async () => byFile(await plugins(), "upper.ts")?.status === "loaded");
    const upper = await client.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "/upper hi" }],
    });
    expect(upper.message.content).toBe("YOU SAID: HI");
  });

  test("files that throw or call process.exit at the top level are reported as failed", async () => {
    const body = await eventually("both failed", async () => {
      const b = await plugins();
      const done = ["throws-on-load.ts", "exits-on-load.ts"].every((f) => byFile(b, f)?.status === "failed");
      return done && b;
    });
    expect(byFile(body, "throws-on-load.ts")?.error).toBe("cannot start: no licence key");
    expect(byFile(body, "exits-on-load.ts")?.error).toBe("the module called process.exit(4) while loading");
    expect((await fetch(`${proxy.url}/health/live`)).status).toBe(200);
  });

  test("a file that kills its process while loading kills the checking process only", async () => {
    const entry = await eventually("kills-on-load failed", async () => {
      const e = byFile(await plugins(), "kills-on-load.ts");
      return e?.status === "failed" && e;
    });
    expect(entry.error).toBe("the module ended the process that checked it while loading (signal SIGKILL)");
    expect((await fetch(`${proxy.url}/health/live`)).status).toBe(200);
    const upper = await ask("/upper still here");
    expect(upper.message.content).toBe("YOU SAID: STILL HERE");
  });

  test("after loading, an agent holds no thread until a request needs it", async () => {
    const agent = await eventually("relay loaded", async () => {
      const e = byFile(await plugins(), "relay.ts");
      return e?.status === "loaded" && e;
    });
    expect(agent).toMatchObject({ asleep: true, restarts: 0 });
  });

  test("the slow file ends as failed once the import timeout is over", async () => {
    const entry = await eventually(
      "slow-import failed",
      async () => {
        const e = byFile(await plugins(), "slow-import.ts");
        return e?.status === "failed" && e;
      },
      IMPORT_TIMEOUT_MS + 3000,
    );
    expect(entry.error).toBe(`import did not finish within ${IMPORT_TIMEOUT_MS} ms`);
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as { status: string; agents: unknown };
    expect(health.status).toBe("degraded");
    expect(health.agents).toMatchObject({ loaded: 7, failed: 4, loading: 0 });
  });
});

/** Polls /health/live every 25 ms until stopped; resolves with the slowest answer, in ms. */
function watchLiveness(): { stop(): Promise<number> } {
  let running = true;
  let slowest = 0;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(`${proxy.url}/health/live`);
      await res.arrayBuffer();
      if (res.status !== 200) slowest = Number.POSITIVE_INFINITY;
      slowest = Math.max(slowest, performance.now() - t0);
      await Bun.sleep(25);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return slowest;
    },
  };
}

const ollama = () => new Ollama({ host: proxy.url });
const openai = () => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "x", maxRetries: 0 });
const ask = (content: string) => ollama().chat({ model: "llama3.2", messages: [{ role: "user", content }] });

describe("agents that misbehave while serving", () => {
  beforeAll(async () => {
    await eventually("agents loaded", async () => byFile(await plugins(), "loops.ts")?.status === "loaded");
  });

  test("inside its worker an agent gets its args, input, settings and logger, and sees the client leave", async () => {
    const client = new AbortController();
    const res = await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      signal: client.signal,
      body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "/waits blue sky" }] }),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("first piece for blue");
    client.abort();
    const line = await eventually("the agent's log line", () =>
      proxy.logs.find((l) => l.msg === "client went away"),
    );
    expect(line).toMatchObject({ agent: "waits", args: ["blue"], input: "sky", note: "from the operator" });
  });

  test("a takeover's own model call streams through, and stops upstream when the client leaves", async () => {
    const whole = await ask("/relay one two three");
    expect(whole.message.content).toBe("You said: one two three");
    // The agent's call is the proxy's own upstream request: pace it from the fake's defaults.
    fake.behaviour.chunkDelayMs = 200;
    try {
      const client = new AbortController();
      const res = await fetch(`${proxy.url}/api/chat`, {
        method: "POST",
        signal: client.signal,
        body: JSON.stringify({
          model: "llama3.2",
          messages: [{ role: "user", content: "/relay a b c d e f" }],
        }),
      });
      await (res.body as ReadableStream<Uint8Array>).getReader().read();
      client.abort();
      const seen = await fake.waitForRequest((r) => r.path === "/api/chat" && r.aborted, 2000);
      expect(seen.aborted).toBe(true);
    } finally {
      fake.reset();
    }
  });

  test("an endless loop fails only its own request, in each dialect; everything else is served meanwhile", async () => {
    const live = watchLiveness();
    const looping = ask("/loops hi").catch((e: Error) => e);
    const loopingV1 = openai()
      .chat.completions.create({ model: "llama3.2", messages: [{ role: "user", content: "/loops hi" }] })
      .catch((e: Error & { status?: number }) => e);
    // While the loop spins in its worker: plain chats, another agent, both dialects.
    const [plain, upper, upperV1] = await Promise.all([
      ask("hello"),
      ask("/upper hello"),
      openai().chat.completions.create({
        model: "llama3.2",
        messages: [{ role: "user", content: "/upper hello" }],
      }),
    ]);
    expect(plain.message.content).toBe("You said: hello");
    expect(upper.message.content).toBe("YOU SAID: HELLO");
    expect(upperV1.choices[0]?.message.content).toBe("YOU SAID: HELLO");
    const native = await looping;
    expect(native).toBeInstanceOf(Error);
    expect(native.message).toContain('agent "loops"');
    const v1 = (await loopingV1) as Error & { status?: number };
    expect(v1.status).toBe(500);
    expect(v1.message).toContain('agent "loops"');
    expect(await live.stop()).toBeLessThan(1000);
    // Its worker was ended and started again; /plugins says so.
    const entry = await eventually("loops restarted", async () => {
      const e = byFile(await plugins(), "loops.ts");
      return (e?.restarts ?? 0) > 0 && e;
    });
    expect(entry.error).toContain("stopped responding");
  });

  test("process.exit in a hook ends the stream with an error line naming the agent; the proxy stays up", async () => {
    const live = watchLiveness();
    const res = await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      headers: { "x-fake-chunk-delay-ms": "20" },
      body: JSON.stringify({
        model: "llama3.2",
        messages: [{ role: "user", content: "/exits one two three" }],
      }),
    });
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { error?: string; done?: boolean });
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.at(-1)?.error).toBe('agent "exits" failed: it called process.exit(3)');
    expect(lines.some((l) => l.done)).toBe(false);
    // The OpenAI dialect gets an error event the client raises.
    const stream = await openai().chat.completions.create(
      { model: "llama3.2", messages: [{ role: "user", content: "/exits one two three" }], stream: true },
      { headers: { "x-fake-chunk-delay-ms": "20" } },
    );
    const failure = await (async () => {
      for await (const _ of stream) {
        // reading until the error event
      }
    })().catch((e: Error) => e);
    expect(String(failure)).toContain('agent "exits" failed: it called process.exit(3)');
    expect((await ask("/upper still here")).message.content).toBe("YOU SAID: STILL HERE");
    expect(await live.stop()).toBeLessThan(1000);
  });

  test("an agent that keeps crashing is marked failed in /plugins and /health, and then fails at once", async () => {
    // Its restarts back off (the second waits a second); the third crash in a row marks it failed.
    await eventually(
      "exits failed",
      async () => {
        await ask("/exits one two three").catch(() => {});
        return byFile(await plugins(), "exits.ts")?.status === "failed";
      },
      5000,
    );
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as { status: string };
    expect(health.status).toBe("degraded");
    const t0 = performance.now();
    const err = await ask("/exits hi").catch((e: Error) => e);
    expect(performance.now() - t0).toBeLessThan(TIMEOUT_MS);
    expect(String(err)).toContain('agent "exits" is unavailable: it failed 3 times in a row');
  });

  test("an agent that outgrows its memory budget is ended; its request fails with the reason", async () => {
    const live = watchLiveness();
    const err = await ask("/hog hi").catch((e: Error) => e);
    expect(String(err)).toContain('agent "hog"');
    expect(await live.stop()).toBeLessThan(1000);
    const entry = await eventually("hog restarted", async () => {
      const e = byFile(await plugins(), "hog.ts");
      return (e?.restarts ?? 0) > 0 && e;
    });
    expect(entry.error).toBe("it used more than 64 MB of memory");
    expect((await ask("hello again")).message.content).toBe("You said: hello again");
  });
});

describe("crashes are published and counted", () => {
  test("an error nothing in the worker catches ends it: an agent.crashed event and a restart, reason error", async () => {
    // The request is served: the error comes after the hook has answered.
    expect((await ask("/throws-later hi")).message.content).toBe("You said: hi");
    const crash = await eventually("throws-later crashed", async () =>
      crashes.find((c) => c.agent === "throws-later"),
    );
    expect(crash).toMatchObject({ type: "agent.crashed", file: "throws-later.ts", reason: "error" });
    expect(String(crash.error)).toStartWith("its worker stopped on an uncaught error");
    // The error's own message, not a line of its stack.
    expect(String(crash.error)).toContain("left behind by throws-later");
    expect(String(crash.error)).not.toContain(" at ");
  });

  test("each crash above is an agent.crashed event with its reason, without absolute paths, and a restart in /metrics", async () => {
    const seen = (agent: string, reason: string) =>
      crashes.find((c) => c.agent === agent && c.reason === reason);
    await eventually(
      "crash events",
      async () => seen("loops", "timeout") && seen("exits", "exit") && seen("hog", "memory"),
    );
    expect(seen("exits", "exit")).toEqual({
      type: "agent.crashed",
      agent: "exits",
      file: "exits.ts",
      reason: "exit",
      error: "it called process.exit(3)",
    });
    expect(seen("hog", "memory")?.error).toBe("it used more than 64 MB of memory");
    expect(seen("loops", "timeout")?.error).toContain(`more than ${TIMEOUT_MS} ms`);
    for (const c of crashes) expect(JSON.stringify(c)).not.toContain(UNRULY);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    const restarts = (agent: string, reason: string) =>
      Number(
        new RegExp(`^proxy_agent_restarts_total\\{agent="${agent}",reason="${reason}"\\} (\\d+)$`, "m").exec(
          metrics,
        )?.[1] ?? 0,
      );
    // "exits" was made to crash three times in a row (marked failed); each crash is a restart.
    expect(restarts("exits", "exit")).toBe(crashes.filter((c) => c.agent === "exits").length);
    expect(restarts("exits", "exit")).toBeGreaterThanOrEqual(3);
    expect(restarts("loops", "timeout")).toBeGreaterThanOrEqual(1);
    expect(restarts("hog", "memory")).toBeGreaterThanOrEqual(1);
    expect(restarts("throws-later", "error")).toBe(1);
    for (const other of ["exit", "timeout", "memory"]) expect(restarts("throws-later", other)).toBe(0);
  });
});
