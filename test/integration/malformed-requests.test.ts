// Requests no well-behaved client sends — no Host, a bad Host, CONNECT, broken escapes, JSON nested
// without end — each get a 4xx in the route's dialect over a real socket, and the proxy keeps serving.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { MAX_JSON_DEPTH } from "../../src/wire/json-depth.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { createPrng, fuzzSeed } from "../helpers/prng.ts";
import { accessLines, startProxy, type TestProxy } from "../helpers/proxy.ts";
import { rawRequest } from "../helpers/raw-http.ts";

let fake: FakeOllama;
let proxy: TestProxy;
/** The same proxy without the Host check, as when it listens on 0.0.0.0. */
let open: TestProxy;

beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url });
  open = await startProxy({ upstreamUrl: fake.url, settings: { hostCheck: "off" } });
});
afterAll(async () => {
  await proxy.stop();
  await open.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

const get = (path: string, headers = "Host: 127.0.0.1", to = proxy) =>
  rawRequest(to.port, `GET ${path} HTTP/1.1\r\n${headers}`);

describe("HTTP/1.0 without Host (health probes)", () => {
  test("/health/live answers 200", async () => {
    const res = await rawRequest(proxy.port, "GET /health/live HTTP/1.0");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "ok" });
  });

  test("every route is routed on its real path: /v1/models is the OpenAI list, /api/tags is forwarded", async () => {
    const models = await rawRequest(proxy.port, "GET /v1/models HTTP/1.0");
    expect(models.status).toBe(200);
    expect(models.json).toMatchObject({ object: "list" });
    const tags = await rawRequest(proxy.port, "GET /api/tags?x=1 HTTP/1.0");
    expect(tags.status).toBe(200);
    expect((tags.json as { models: unknown[] }).models.length).toBeGreaterThan(0);
    expect(fake.requests.at(-1)?.path).toBe("/api/tags");
  });

  test("a chat with a body is answered", async () => {
    const body = JSON.stringify({
      model: "llama3.2",
      messages: [{ role: "user", content: "hi" }],
      stream: false,
    });
    const res = await rawRequest(
      proxy.port,
      `POST /api/chat HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}`,
      body,
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ done: true, message: { role: "assistant" } });
  });

  test("an empty Host header is the same as none", async () => {
    const res = await get("/health/live", "Host:");
    expect(res.status).toBe(200);
  });
});

describe("a Host header no server could use", () => {
  test("bytes Go refuses: 400 malformed Host header, in each dialect", async () => {
    const native = await get("/api/tags", "Host: exa mple");
    expect(native.status).toBe(400);
    expect(native.json).toEqual({ error: "malformed Host header" });
    const openai = await get("/v1/models", "Host: bad/host");
    expect(openai.status).toBe(400);
    expect(openai.json).toEqual({
      error: { message: "malformed Host header", type: "invalid_request_error", param: null, code: null },
    });
    expect(fake.requests).toHaveLength(0);
  });

  test("two Host headers: 400 too many Host headers", async () => {
    const res = await get("/api/tags", "Host: 127.0.0.1\r\nHost: 127.0.0.2");
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "too many Host headers" });
  });

  test("valid bytes but no URL (port 99999): the Host check refuses it, without the check it is served", async () => {
    expect((await get("/api/tags", "Host: example.com:99999")).status).toBe(403);
    const served = await get("/api/tags", "Host: example.com:99999", open);
    expect(served.status).toBe(200);
    const local = await get("/api/ps", "Host: [::1");
    expect(local.status).toBe(200);
  });
});

describe("request targets", () => {
  test("CONNECT, in authority or origin form: 405 with Allow, in the route's dialect", async () => {
    const tunnel = await rawRequest(proxy.port, "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443");
    expect(tunnel.status).toBe(405);
    expect(tunnel.headers.allow).toContain("GET");
    expect(tunnel.json).toEqual({ error: "method CONNECT is not supported: the proxy is not a tunnel" });
    const v1 = await rawRequest(proxy.port, "CONNECT /v1/models HTTP/1.1\r\nHost: 127.0.0.1");
    expect(v1.status).toBe(405);
    expect((v1.json as { error: { message: string } }).error.message).toContain("CONNECT");
    expect(fake.requests).toHaveLength(0);
    const line = accessLines(proxy).findLast((l) => l.method === "CONNECT");
    expect(line).toMatchObject({ status: 405, outcome: "error" });
  });

  test("absolute form is accepted (RFC 9112) and served on its path", async () => {
    const res = await get("http://other.example/api/tags");
    expect(res.status).toBe(200);
    expect(fake.requests.at(-1)?.path).toBe("/api/tags");
    const old = await rawRequest(proxy.port, "GET http://other.example/v1/models HTTP/1.0");
    expect(old.status).toBe(200);
    expect(old.json).toMatchObject({ object: "list" });
  });

  test("a broken escape in the path: 400 invalid URL escape, as Go's URL parser says", async () => {
    const native = await get("/api/%zz");
    expect(native.status).toBe(400);
    expect(native.json).toEqual({ error: 'invalid URL escape "%zz"' });
    const openai = await get("/v1/models/llama3.2%3");
    expect(openai.status).toBe(400);
    expect((openai.json as { error: { message: string } }).error.message).toBe('invalid URL escape "%3"');
    expect(fake.requests).toHaveLength(0);
  });

  test("good escapes and a broken one in the query still pass (Ollama reads neither strictly)", async () => {
    const model = await get("/v1/models/llama3.2%3Alatest");
    expect(model.status).toBe(200);
    expect(model.json).toMatchObject({ id: "llama3.2:latest" });
    expect((await get("/api/tags?q=%zz")).status).toBe(200);
  });
});

describe("JSON nested without end", () => {
  const deep = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
  /** A valid request whose `options` hold `inner`, so the body nests two levels more than `inner`. */
  const withOptions = (inner: string) =>
    `{"model":"llama3.2","messages":[{"role":"user","content":"hi"}],"prompt":"hi","input":"hi","stream":false,"options":{"x":${inner}}}`;
  const post = (path: string, body: string) => fetch(`${proxy.url}${path}`, { method: "POST", body });

  test("100,000 levels: 400 with Go's text on the native routes, the OpenAI envelope on /v1", async () => {
    const body = withOptions(deep(100_000));
    for (const path of ["/api/chat", "/api/generate"]) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "invalid character '{' exceeded max depth" });
    }
    for (const path of ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"]) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { message: string; type: string } };
      expect(error.type).toBe("invalid_request_error");
      expect(error.message).toContain("invalid character '{' exceeded max depth");
    }
    expect(fake.requests).toHaveLength(0);
  });

  test("routes the proxy only peeks into leave deep bodies to Ollama, which has its own limit", async () => {
    for (const path of ["/api/show", "/api/pull", "/api/embed"]) {
      const res = await post(path, withOptions(`[${deep(100_000)}]`));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "invalid character '{' exceeded max depth" });
    }
    // Deeper than the proxy's own limit, within Ollama's: Ollama decides, and accepts it.
    const show = await post("/api/show", withOptions(deep(MAX_JSON_DEPTH * 2)));
    expect(show.status).toBe(200);
  });

  test("up to the limit a request is served; one level more is refused", async () => {
    const atLimit = await post("/api/chat", withOptions(deep(MAX_JSON_DEPTH - 2)));
    expect(atLimit.status).toBe(200);
    expect(fake.requests.at(-1)?.path).toBe("/api/chat");
    const over = await post("/api/chat", withOptions(deep(MAX_JSON_DEPTH - 1)));
    expect(over.status).toBe(400);
  });

  test("tool-call arguments nested without end: 400 invalid tool call arguments", async () => {
    // An object, as arguments must be: only its depth is wrong.
    const args = deep(100_000);
    const body = JSON.stringify({
      model: "llama3.2",
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: args } }],
        },
      ],
    });
    const res = await post("/v1/chat/completions", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "invalid tool call arguments",
    );
  });

  test("the proxy logged no unhandled error and still serves", async () => {
    expect(proxy.logs.filter((l) => l.msg === "unhandled error")).toEqual([]);
    expect((await rawRequest(proxy.port, "GET /health/live HTTP/1.0")).status).toBe(200);
  });
});

describe("random request lines and headers", () => {
  const methods = [
    "GET",
    "POST",
    "HEAD",
    "OPTIONS",
    "DELETE",
    "PUT",
    "PATCH",
    "CONNECT",
    "TRACE",
    "PROPFIND",
  ];
  const paths = [
    "/",
    "/api/tags",
    "/api/chat",
    "/v1/models",
    "/v1/models/llama3.2",
    "/health/live",
    "/health",
  ];
  const more = [
    "/metrics",
    "/plugins",
    "/models",
    "/api/blobs/sha256:ab",
    "*",
    "http://x/api/tags",
    "127.0.0.1:1",
  ];
  const bits = [
    "%zz",
    "%",
    "%2",
    "%2F",
    "%00",
    "%C3%A9",
    "%ff",
    "..",
    "//",
    "?a=%zz",
    "#f",
    ";",
    "@",
    ":",
    "%E0%A4%A",
  ];
  const hosts = [
    null,
    "",
    "127.0.0.1",
    "[::1]",
    "[::1",
    "x:99999",
    "a b",
    "%zz",
    "evil.example",
    "é",
    "[fe80::1%25a]",
  ];
  const headers = [
    "Origin: http://localhost",
    "Origin: null",
    "X-Request-Id: ../",
    "Content-Type: text/plain",
  ];

  test("each gets a complete answer below 500 (seeded)", async () => {
    const seed = fuzzSeed(0xbad);
    const rng = createPrng(seed);
    for (let i = 0; i < 120; i++) {
      const method = rng.pick(methods);
      let target = rng.pick([...paths, ...more]);
      for (let k = rng.int(3); k > 0; k--) target += rng.pick(bits);
      const lines = [`${method} ${target} ${rng.pick(["HTTP/1.1", "HTTP/1.0"])}`];
      const host = rng.pick(hosts);
      if (host !== null) lines.push(`Host: ${host}`);
      for (let k = rng.int(3); k > 0; k--) lines.push(rng.pick(headers));
      const body =
        method === "POST" || method === "PUT" ? rng.pick(["", "{}", "x", '{"model":"llama3.2"}']) : "";
      if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
      const to = rng.chance(0.5) ? proxy : open;
      const res = await rawRequest(to.port, lines.join("\r\n"), body, 3000);
      if (!(res.status >= 100 && res.status < 500))
        throw new Error(`seed ${seed}, #${i} ${JSON.stringify(lines)} → ${res.status} ${res.body}`);
    }
    for (const p of [proxy, open]) expect(p.logs.filter((l) => l.msg === "unhandled error")).toEqual([]);
  });
});
