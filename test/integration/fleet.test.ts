// Three fake Ollama servers behind the proxy look like one Ollama to the real clients: every model
// listed and usable, warm-first routing, failover before the first byte only, a queue at
// max-concurrent, one pull however many ask, blobs and create on one server.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { Ollama } from "ollama";
import OpenAI from "openai";
import type { Settings } from "../../src/config/settings.ts";
import { type FakeModel, type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

const model = (name: string, capabilities = ["completion"]): FakeModel => ({ name, capabilities });
const LLAMA = model("llama3.2:latest");
const QWEN = model("qwen3:latest");
const EMBED = model("nomic-embed-text:latest", ["embedding"]);

let a: FakeOllama;
let b: FakeOllama;
let c: FakeOllama;
let proxy: TestProxy;

beforeAll(() => {
  a = startFakeOllama({ models: [LLAMA], version: "0.12.6" });
  b = startFakeOllama({ models: [LLAMA, QWEN], version: "0.12.3" });
  c = startFakeOllama({ models: [EMBED], version: "0.13.0" });
});
afterEach(async () => {
  await proxy?.stop();
  for (const f of [a, b, c]) f.reset();
});
afterAll(async () => {
  await Promise.all([a.stop(), b.stop(), c.stop()]);
});

async function fleet(
  settings: Partial<Settings> = {},
  limits: Record<string, { maxConcurrent?: number; weight?: number }> = {},
) {
  proxy = await startProxy({
    upstreams: [
      { name: "a", url: a.url, ...limits.a },
      { name: "b", url: b.url, ...limits.b },
      { name: "c", url: c.url, ...limits.c },
    ],
    settings: { fleetPollMs: 60_000, fleetBreakerBackoffMs: 50, ...settings },
    start: true,
  });
  return proxy;
}

const chats = (f: FakeOllama) => f.requestsTo("/api/chat").length;
const hi = [{ role: "user" as const, content: "hi" }];

async function chat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ messages: hi, stream: false, ...body }),
  });
}

describe("one Ollama to the clients", () => {
  test("every model of every server is listed once, naming the servers that hold it, and each is usable", async () => {
    await fleet();
    const ollama = new Ollama({ host: proxy.url });
    const list = await ollama.list();
    const names = list.models.map((m) => m.name).sort();
    expect(names).toEqual(["llama3.2:latest", "nomic-embed-text:latest", "qwen3:latest"]);
    const holders = Object.fromEntries(
      list.models.map((m) => [m.name, (m as unknown as { upstreams: string[] }).upstreams]),
    );
    expect(holders).toEqual({
      "llama3.2:latest": ["a", "b"],
      "qwen3:latest": ["b"],
      "nomic-embed-text:latest": ["c"],
    });

    const reply = await ollama.chat({ model: "qwen3", messages: hi });
    expect(reply.done).toBe(true);
    expect(chats(b)).toBe(1);
    const embedded = await ollama.embed({ model: "nomic-embed-text", input: "x" });
    expect(embedded.embeddings.length).toBe(1);
    expect(c.requestsTo("/api/embed").length).toBe(1);

    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "x" });
    const listed = (await openai.models.list()).data;
    expect(listed.map((m) => m.id).sort()).toEqual([
      "llama3.2:latest",
      "nomic-embed-text:latest",
      "qwen3:latest",
    ]);
    expect(listed.find((m) => m.id === "llama3.2:latest")).toMatchObject({ upstreams: ["a", "b"] });
    const done = await openai.chat.completions.create({ model: "qwen3", messages: hi });
    expect(done.choices[0]?.message.content).toBeTruthy();
    expect(chats(b)).toBe(2);
    expect(chats(a) + chats(c)).toBe(0);
  });

  test("the answer names its server in X-Upstream and in the access line", async () => {
    await fleet();
    const res = await chat({ model: "qwen3" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-upstream")).toBe("b");
    await res.text();
    const line = accessLines(proxy).find((l) => l.path === "/api/chat");
    expect(line?.upstream).toBe("b");
    // Routes that translate the answer name it too (their response is the proxy's own).
    for (const [route, body] of [
      ["/v1/chat/completions", { model: "qwen3", messages: hi, stream: true }],
      ["/v1/messages", { model: "qwen3", max_tokens: 50, messages: hi }],
    ] as const) {
      const res = await fetch(proxy.url + route, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect([route, res.status, res.headers.get("x-upstream")]).toEqual([route, 200, "b"]);
      await res.text();
    }
  });

  test("/api/ps is the union with each server named; /api/version is the lowest; /health has a row per server", async () => {
    a.loaded.add("llama3.2:latest");
    c.loaded.add("nomic-embed-text:latest");
    await fleet();
    const ps = (await (await fetch(`${proxy.url}/api/ps`)).json()) as {
      models: Array<{ name: string; upstream: string }>;
    };
    expect(ps.models.map((m) => `${m.upstream}:${m.name}`).sort()).toEqual([
      "a:llama3.2:latest",
      "c:nomic-embed-text:latest",
    ]);
    expect(await new Ollama({ host: proxy.url }).version()).toEqual({ version: "0.12.3" });
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as {
      upstreams: { servers: Array<{ name: string; state: string; version: string; models: number }> };
    };
    expect(health.upstreams.servers.map((s) => [s.name, s.state, s.version, s.models])).toEqual([
      ["a", "up", "0.12.6", 1],
      ["b", "up", "0.12.3", 2],
      ["c", "up", "0.13.0", 1],
    ]);
  });

  test("/api/show is answered by a server that has the model", async () => {
    await fleet();
    const shown = await new Ollama({ host: proxy.url }).show({ model: "qwen3" });
    expect(shown.capabilities).toContain("completion");
    expect(b.requestsTo("/api/show").length).toBe(1);
    expect(a.requestsTo("/api/show").length + c.requestsTo("/api/show").length).toBe(0);
  });
});

test("credentials in a server's URL go as Basic auth and are never shown by /config, /health or logs", async () => {
  const port = new URL(b.url).port;
  proxy = await startProxy({
    upstreams: [
      { name: "a", url: a.url },
      { name: "b", url: `http://user:s3cret@127.0.0.1:${port}` },
    ],
    settings: { fleetPollMs: 60_000 },
    start: true,
  });
  expect((await chat({ model: "qwen3" })).status).toBe(200);
  expect(b.requestsTo("/api/chat")[0]?.headers.authorization).toBe(`Basic ${btoa("user:s3cret")}`);
  const shown = (
    await Promise.all(["/config", "/health"].map((p) => fetch(proxy.url + p).then((r) => r.text())))
  ).join();
  expect(shown).toContain("b");
  expect(shown).not.toContain("s3cret");
  expect(JSON.stringify(proxy.logs)).not.toContain("s3cret");
});

describe("routing", () => {
  test("warm-first: the server where the model is loaded gets the chat, the others are not asked", async () => {
    b.loaded.add("llama3.2:latest");
    await fleet();
    for (let i = 0; i < 3; i++)
      expect((await chat({ model: "llama3.2" })).headers.get("x-upstream")).toBe("b");
    expect(chats(a)).toBe(0);
  });

  test("without a warm server, concurrent requests spread over the servers that have the model", async () => {
    await fleet();
    const slow = { "x-fake-first-byte-delay-ms": "150" };
    const served = await Promise.all(
      Array.from({ length: 6 }, () =>
        chat({ model: "llama3.2" }, slow).then((r) => r.headers.get("x-upstream")),
      ),
    );
    expect(served.filter((s) => s === "a").length).toBe(3);
    expect(served.filter((s) => s === "b").length).toBe(3);
  });

  test("affinity: a conversation's later turns return to the server that answered it", async () => {
    b.loaded.add("llama3.2:latest");
    await fleet({ fleetAffinity: true });
    const first = [{ role: "user", content: "tell me a story" }];
    expect((await chat({ model: "llama3.2", messages: first })).headers.get("x-upstream")).toBe("b");
    // Now a is warm too and b busy: without affinity the next turn would go to a.
    a.loaded.add("llama3.2:latest");
    await proxy.composed.fleet.pollAll();
    const hold = chat({ model: "qwen3" }, { "x-fake-first-byte-delay-ms": "300" });
    const later = [...first, { role: "assistant", content: "once" }, { role: "user", content: "go on" }];
    expect((await chat({ model: "llama3.2", messages: later })).headers.get("x-upstream")).toBe("b");
    expect(
      (await chat({ model: "llama3.2", messages: [{ role: "user", content: "other" }] })).headers.get(
        "x-upstream",
      ),
    ).toBe("a");
    await hold;
  });
});

describe("failover", () => {
  test("a server that refuses connections is failed over at once, then its open breaker keeps it out", async () => {
    const dead = startFakeOllama({ models: [LLAMA] });
    dead.loaded.add("llama3.2:latest");
    proxy = await startProxy({
      upstreams: [
        { name: "dead", url: dead.url },
        { name: "b", url: b.url },
      ],
      settings: { fleetPollMs: 60_000, fleetBreakerFailures: 1, fleetBreakerBackoffMs: 60_000 },
      start: true,
    });
    await dead.stop();
    const res = await chat({ model: "llama3.2" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-upstream")).toBe("b");
    const failovers = () =>
      proxy.logs.filter((l) => l.msg === "upstream failed before answering" && l.upstream === "dead").length;
    expect(failovers()).toBe(1);
    expect((await chat({ model: "llama3.2" })).headers.get("x-upstream")).toBe("b");
    expect(failovers()).toBe(1);
  });

  test("a server dying mid-run costs no request that had not started streaming, and it comes back", async () => {
    const restartable = startFakeOllama({ models: [LLAMA] });
    const port = restartable.port;
    proxy = await startProxy({
      upstreams: [
        { name: "r", url: restartable.url },
        { name: "b", url: b.url },
      ],
      settings: { fleetPollMs: 60_000, fleetBreakerBackoffMs: 20 },
      start: true,
    });
    restartable.loaded.add("llama3.2:latest");
    await proxy.composed.fleet.pollAll();
    expect((await chat({ model: "llama3.2" })).headers.get("x-upstream")).toBe("r");
    await restartable.stop();
    const during = await Promise.all(Array.from({ length: 5 }, () => chat({ model: "llama3.2" })));
    expect(during.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(during.map((r) => r.headers.get("x-upstream"))).toEqual(["b", "b", "b", "b", "b"]);
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as {
      status: string;
      upstreams: { servers: Array<{ name: string; state: string }> };
    };
    expect(health.status).toBe("degraded");
    expect(health.upstreams.servers.map((x) => x.state)).toEqual(["down", "up"]);
    const back = startFakeOllama({ models: [LLAMA], port });
    try {
      back.loaded.add("llama3.2:latest");
      await Bun.sleep(30);
      await proxy.composed.fleet.pollAll();
      expect((await chat({ model: "llama3.2" })).headers.get("x-upstream")).toBe("r");
    } finally {
      await back.stop();
    }
  });

  test("requests waiting for a server's headers when it is killed are served by the next one", async () => {
    const doomed = startFakeOllama({ models: [LLAMA] });
    doomed.loaded.add("llama3.2:latest");
    proxy = await startProxy({
      upstreams: [
        { name: "doomed", url: doomed.url },
        { name: "b", url: b.url },
      ],
      settings: { fleetPollMs: 60_000 },
      start: true,
    });
    doomed.behaviour.firstByteDelayMs = 5000;
    const pending = Array.from({ length: 3 }, () => chat({ model: "llama3.2" }));
    await eventually("three requests on doomed", () => doomed.requestsTo("/api/chat").length === 3);

    const stopped = doomed.stop();
    const results = await Promise.all(pending);

    await stopped;
    expect(results.map((r) => [r.status, r.headers.get("x-upstream")])).toEqual([
      [200, "b"],
      [200, "b"],
      [200, "b"],
    ]);
  });

  test("Ollama's 503 'server busy' before the body: the next server answers", async () => {
    a.behaviour.maxPending = 0;
    a.loaded.add("llama3.2:latest");
    await fleet();
    const res = await chat({ model: "llama3.2" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-upstream")).toBe("b");
    expect(chats(a)).toBe(1);
  });

  test("when every server that has the model is busy, the client gets the last one's 503 as Ollama wrote it", async () => {
    await fleet();
    a.behaviour.maxPending = 0;
    b.behaviour.maxPending = 0;
    const res = await chat({ model: "llama3.2" });
    expect(res.status).toBe(503);
    expect(res.headers.get("x-upstream")).toBe("b");
    expect(((await res.json()) as { error: string }).error).toBe(
      "server busy, please try again.  maximum pending requests exceeded",
    );
    expect([chats(a), chats(b), chats(c)]).toEqual([1, 1, 0]);
  });

  test("a server silent past FLEET_HEADERS_TIMEOUT_MS is given up on for the next", async () => {
    a.loaded.add("llama3.2:latest");
    await fleet({ fleetHeadersTimeoutMs: 100 });
    a.behaviour.firstByteDelayMs = 1000;
    const res = await chat({ model: "llama3.2" });
    expect(res.headers.get("x-upstream")).toBe("b");
    expect(((await res.json()) as { done: boolean }).done).toBe(true);
  });

  test("no failover once bytes reached the client: the stream ends with an error, the next server is not asked", async () => {
    a.loaded.add("llama3.2:latest");
    a.behaviour.dropAfterChunks = 2;
    await fleet();
    const res = await chat({ model: "llama3.2", stream: true });
    expect(res.headers.get("x-upstream")).toBe("a");
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.at(-1).error).toBeString();
    expect(chats(b)).toBe(0);
  });

  test("state-changing requests are never retried elsewhere: a failed delete is the server's answer", async () => {
    await fleet();
    const res = await fetch(`${proxy.url}/api/delete?upstream=a`, {
      method: "DELETE",
      body: JSON.stringify({ model: "qwen3" }),
    });
    expect(res.status).toBe(404);
    expect(b.requestsTo("/api/delete").length).toBe(0);
    expect(b.models.some((m) => m.name === "qwen3:latest")).toBe(true);
  });
});

describe("queue at max-concurrent", () => {
  test("requests past max-concurrent wait their turn in order; a full queue gets 503 with Retry-After in each dialect", async () => {
    await fleet({ fleetQueueMax: 2, fleetQueueWaitMs: 5000 }, { b: { maxConcurrent: 1 } });
    const slow = { "x-fake-first-byte-delay-ms": "200" };
    const first = chat({ model: "qwen3" }, slow);
    await b.waitForRequest((r) => r.path === "/api/chat");
    const second = chat({ model: "qwen3" }, slow);
    const third = chat({ model: "qwen3" }, slow);
    await Bun.sleep(30);
    const refused = await chat({ model: "qwen3" });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await refused.json()) as { error: string }).error).toContain("max-concurrent");
    const openai = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "qwen3", messages: hi }),
    });
    expect(openai.status).toBe(503);
    expect(openai.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await openai.json()) as { error: { message: string } }).error.message).toContain(
      "max-concurrent",
    );
    const results = await Promise.all([first, second, third]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(b.peakInferenceInFlight).toBe(1);
  });

  test("a streaming client sees its place in the queue while it waits", async () => {
    await fleet({ progressAfterMs: 50, progressEveryMs: 100 }, { b: { maxConcurrent: 1 } });
    const first = chat({ model: "qwen3" }, { "x-fake-first-byte-delay-ms": "400" });
    await b.waitForRequest((r) => r.path === "/api/chat");
    const waiting = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "qwen3", messages: hi, stream: true }),
    });
    const text = await waiting.text();
    expect(text).toContain("number 1 in the queue");
    expect(text).toContain("[DONE]");
    await first;
  });

  test("a wait past FLEET_QUEUE_WAIT_MS gets 503 with Retry-After", async () => {
    await fleet({ fleetQueueWaitMs: 100 }, { b: { maxConcurrent: 1 } });
    const first = chat({ model: "qwen3" }, { "x-fake-first-byte-delay-ms": "500" });
    await b.waitForRequest((r) => r.path === "/api/chat");
    const late = await chat({ model: "qwen3" });
    expect(late.status).toBe(503);
    expect(late.headers.get("retry-after")).toBeTruthy();
    await first;
  });
});

describe("model management across the fleet", () => {
  test("a model nobody has is pulled once, onto one server, however many clients ask", async () => {
    await fleet();
    const ollama = new Ollama({ host: proxy.url });
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => ollama.chat({ model: "tinyllama", messages: hi })),
    );
    expect(replies.every((r) => r.done)).toBe(true);
    const pulls = [a, b, c].map((f) => f.requestsTo("/api/pull").length);
    expect(pulls.reduce((x, y) => x + y, 0)).toBe(1);
    const holder = [a, b, c].find((f) => f.models.some((m) => m.name === "tinyllama:latest"));
    expect(holder).toBeDefined();
    expect([a, b, c].filter((f) => f.models.some((m) => m.name === "tinyllama:latest")).length).toBe(1);
    // Every chat went to the server that pulled it.
    expect(holder ? chats(holder) : 0).toBe(8);
  });

  test("FLEET_PULL_TARGET names the server pulls on demand go to", async () => {
    await fleet({ fleetPullTarget: "c" });
    expect((await new Ollama({ host: proxy.url }).chat({ model: "phi3:mini", messages: hi })).done).toBe(
      true,
    );
    expect([a, b, c].map((f) => f.requestsTo("/api/pull").length)).toEqual([0, 0, 1]);
    expect(chats(c)).toBe(1);
  });

  test("an explicit pull goes to the server named by ?upstream= or the body's upstream field", async () => {
    await fleet();
    const ollama = new Ollama({ host: `${proxy.url}` });
    const res = await fetch(`${proxy.url}/api/pull?upstream=c`, {
      method: "POST",
      body: JSON.stringify({ model: "phi3:mini", stream: false }),
    });
    expect(res.status).toBe(200);
    expect(c.models.some((m) => m.name === "phi3:mini")).toBe(true);
    const viaBody = await fetch(`${proxy.url}/api/pull`, {
      method: "POST",
      body: JSON.stringify({ model: "mistral", upstream: "a", stream: false }),
    });
    expect(viaBody.status).toBe(200);
    expect(a.models.some((m) => m.name === "mistral:latest")).toBe(true);
    expect(a.requestsTo("/api/pull")[0]?.body).not.toHaveProperty("upstream");
    const unknown = await fetch(`${proxy.url}/api/pull?upstream=zzz`, {
      method: "POST",
      body: JSON.stringify({ model: "tinyllama", stream: false }),
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toContain('unknown upstream "zzz"');
    expect((await ollama.list()).models.find((m) => m.name === "phi3:mini")).toBeDefined();
  });

  test("delete and copy reach every server that has the model", async () => {
    await fleet();
    const ollama = new Ollama({ host: proxy.url });
    await ollama.copy({ source: "llama3.2", destination: "mine" });
    expect(a.models.some((m) => m.name === "mine:latest")).toBe(true);
    expect(b.models.some((m) => m.name === "mine:latest")).toBe(true);
    expect(c.requestsTo("/api/copy").length).toBe(0);
    await ollama.delete({ model: "llama3.2" });
    expect(a.models.some((m) => m.name === "llama3.2:latest")).toBe(false);
    expect(b.models.some((m) => m.name === "llama3.2:latest")).toBe(false);
    expect(c.requestsTo("/api/delete").length).toBe(0);
  });

  test("blobs and the create that uses them go to one server", async () => {
    await fleet();
    const bytes = new TextEncoder().encode("GGUF fake weights");
    const digest = `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
    const head = await fetch(`${proxy.url}/api/blobs/${digest}`, { method: "HEAD" });
    expect(head.status).toBe(404);
    const server = head.headers.get("x-upstream");
    const up = await fetch(`${proxy.url}/api/blobs/${digest}`, { method: "POST", body: bytes });
    expect(up.status).toBe(201);
    expect(up.headers.get("x-upstream")).toBe(server);
    // ollama-js's create has no `files` (its types lag the API), so the request is sent raw.
    const created = await fetch(`${proxy.url}/api/create`, {
      method: "POST",
      body: JSON.stringify({ model: "custom", files: { "model.gguf": digest }, stream: false }),
    });
    expect(((await created.json()) as { status: string }).status).toBe("success");
    const holders = [a, b, c].filter((f) => f.models.some((m) => m.name === "custom:latest"));
    expect(holders.length).toBe(1);
    expect(holders[0]?.blobs.has(digest)).toBe(true);
  });
});
