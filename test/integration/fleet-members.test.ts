// A fleet names the server that failed (never "fleet a,b"), warms a model on every server that has
// it, and answers HEAD /health like GET without a body.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { Settings } from "../../src/config/settings.ts";
import { type FakeModel, type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

const model = (name: string): FakeModel => ({ name, capabilities: ["completion"] });
const LLAMA = model("llama3.2:latest");
const QWEN = model("qwen3:latest");

let a: FakeOllama;
let b: FakeOllama;
let proxy: TestProxy;

beforeAll(() => {
  a = startFakeOllama({ models: [LLAMA] });
  b = startFakeOllama({ models: [LLAMA, QWEN] });
});
afterEach(async () => {
  await proxy?.stop();
  for (const f of [a, b]) f.reset();
});
afterAll(async () => {
  await Promise.all([a.stop(), b.stop()]);
});

async function fleet(settings: Partial<Settings> = {}, fetchFn?: typeof fetch) {
  proxy = await startProxy({
    upstreams: [
      { name: "a", url: a.url },
      { name: "b", url: b.url },
    ],
    settings: { fleetPollMs: 60_000, ...settings },
    start: true,
    fetch: fetchFn,
  });
  return proxy;
}

const hi = [{ role: "user" as const, content: "hi" }];

function chat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ messages: hi, ...body }),
  });
}

describe("errors name the server that failed", () => {
  test("a relayed stream that breaks off ends with a frame naming that server", async () => {
    await fleet();
    // Only b has qwen3: it serves the chat.
    const res = await chat({ model: "qwen3" }, { "x-fake-drop-after-chunks": "2" });
    expect(res.headers.get("x-upstream")).toBe("b");
    const lines = (await res.text()).trim().split("\n");
    const last = JSON.parse(lines.at(-1) as string) as { error?: string };
    expect(last.error).toContain(`upstream Ollama at ${b.url} broke off`);
    expect(last.error).not.toContain("fleet");
  });

  test("a stream that ends without its last message names that server, in OpenAI's SSE too", async () => {
    await fleet();
    const native = await chat({ model: "qwen3" }, { "x-fake-end-after-chunks": "2" });
    const last = JSON.parse((await native.text()).trim().split("\n").at(-1) as string) as { error?: string };
    expect(last.error).toBe(`upstream Ollama at ${b.url} ended the stream without a final message`);

    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "x", maxRetries: 0 });
    const stream = await openai.chat.completions.create(
      { model: "qwen3", messages: hi, stream: true },
      { headers: { "x-fake-end-after-chunks": "2" } },
    );
    const failure = await (async () => {
      try {
        for await (const _ of stream) {
        }
      } catch (err) {
        return err as Error;
      }
      return null;
    })();
    expect(failure?.message).toContain(b.url);
    expect(failure?.message).not.toContain("fleet");
  });

  test("a pull on demand that ends early names the server it was placed on", async () => {
    // Server b's pulls stop after their first line (a server that died mid-pull).
    const cut: typeof fetch = (async (input: Request | string | URL, init?: RequestInit) => {
      const res = await fetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (!url.startsWith(`${b.url}/api/pull`) || !res.body) return res;
      const first = (await res.text()).split("\n")[0] ?? "";
      return new Response(`${first}\n`, { status: res.status, headers: res.headers });
    }) as typeof fetch;
    await fleet({ fleetPullTarget: "b" }, cut);
    const res = await chat({ model: "tinyllama", stream: false });
    const body = (await res.json()) as { error?: string };
    expect(body.error).toContain(`upstream Ollama at ${b.url} ended the pull early`);
    expect(body.error).not.toContain("fleet");
  });
});

describe("warm-ups across the fleet", () => {
  const loads = (f: FakeOllama, name: string) =>
    f.requestsTo("/api/generate").filter((r) => (r.body as { model?: string }).model === name).length;

  test("WARM_MODELS loads a model on every server that has it, and only there", async () => {
    await fleet({ warmModels: ["llama3.2", "qwen3"] });
    expect([loads(a, "llama3.2"), loads(b, "llama3.2")]).toEqual([1, 1]);
    expect([loads(a, "qwen3"), loads(b, "qwen3")]).toEqual([0, 1]);
    const ps = (await (await fetch(`${proxy.url}/api/ps`)).json()) as {
      models: Array<{ name: string; upstream: string }>;
    };
    const where = ps.models.map((m) => `${m.name}@${m.upstream}`).sort();
    expect(where).toEqual(["llama3.2:latest@a", "llama3.2:latest@b", "qwen3:latest@b"]);
    const status = (await (await fetch(`${proxy.url}/models`)).json()) as {
      warm: Array<{ model: string; state: string }>;
    };
    expect(status.warm.map((w) => w.state)).toEqual(["loaded", "loaded"]);
  });

  test("WARM_ON_PULL loads a pulled model on the one server that pulled it", async () => {
    await fleet({ warmOnPull: true, fleetPullTarget: "a" });
    const res = await fetch(`${proxy.url}/api/pull`, {
      method: "POST",
      body: JSON.stringify({ model: "tinyllama" }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const deadline = Date.now() + 5000;
    while (loads(a, "tinyllama:latest") + loads(a, "tinyllama") === 0 && Date.now() < deadline)
      await Bun.sleep(20);
    expect(loads(a, "tinyllama:latest") + loads(a, "tinyllama")).toBe(1);
    expect(b.requestsTo("/api/generate").length).toBe(0);
  });

  test("a warm-up failing on one server says which, and the other still loads", async () => {
    const refuse: typeof fetch = (async (input: Request | string | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url === `${a.url}/api/generate`) return Response.json({ error: "out of memory" }, { status: 500 });
      return fetch(input, init);
    }) as typeof fetch;
    await fleet({ warmModels: ["llama3.2"] }, refuse);
    expect(loads(b, "llama3.2")).toBe(1);
    const status = (await (await fetch(`${proxy.url}/models`)).json()) as {
      warm: Array<{ model: string; state: string; error?: string }>;
    };
    expect(status.warm[0]?.state).toBe("failed");
    expect(status.warm[0]?.error).toBe("a: out of memory");
  });
});

describe("HEAD /health", () => {
  test("answers with GET's status and headers and no body, also while a server is down", async () => {
    await fleet();
    const get = await fetch(`${proxy.url}/health`);
    const table = (await get.json()) as { upstreams: { servers: Array<{ name: string; state: string }> } };
    expect(table.upstreams.servers.map((s) => `${s.name}:${s.state}`)).toEqual(["a:up", "b:up"]);
    const head = await fetch(`${proxy.url}/health`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toContain("application/json");
    expect(await head.text()).toBe("");
    await proxy.stop();

    // Nothing listens at the one server's address: 503, still without a body.
    proxy = await startProxy({ upstreamUrl: "http://127.0.0.1:9", settings: { healthTimeoutMs: 500 } });
    const down = await fetch(`${proxy.url}/health`, { method: "HEAD" });
    expect(down.status).toBe(503);
    expect(await down.text()).toBe("");
  });
});
