// AUTH=keys end to end against a real SQLite file: every credential form with the real clients, the
// ollama CLI's signature, wrong/expired/revoked keys, each policy and limit, usage equal to Ollama's counts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { runKeysCommand } from "../../src/auth/cli.ts";
import { createFromOptions, type KeyOptions } from "../../src/auth/index.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { createOllamaSigner } from "../helpers/ollama-signer.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "osp-auth-"));
  fake = await startFakeOllama();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: {
      auth: "keys",
      databaseUrl: path.join(dir, "data", "proxy.sqlite"),
      modelAliases: { fast: "llama3.2", smart: "qwen3" },
      // configFrom takes presets beside the settings (as the config file gives them).
      ...({
        presets: {
          coder: { model: "qwen3", agents: "", options: {}, system: null, description: null },
          french: { model: "fast", agents: "/translate fr", options: {}, system: null, description: null },
        },
      } as object),
    },
    tuning: { auth: { refreshMs: 25, flushMs: 50 } },
  });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

const store = () => proxy.composed.auth?.store ?? (null as never);
async function newKey(name: string, o: KeyOptions = {}): Promise<string> {
  const { key } = await createFromOptions(store(), { name, ...o });
  // The cache reloads every 25 ms here (about a second in production).
  await Bun.sleep(70);
  return key;
}
const chatBody = (model: string, content = "hello there", extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, messages: [{ role: "user", content }], stream: false, ...extra });
const post = (p: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}${p}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });

describe("without a key", () => {
  test("only liveness answers; everything else is a 401 in the route's dialect", async () => {
    expect((await fetch(`${proxy.url}/health/live`)).status).toBe(200);
    for (const p of [
      "/",
      "/api/tags",
      "/api/ps",
      "/api/version",
      "/health",
      "/plugins",
      "/metrics",
      "/models",
      "/config",
      "/admin/keys",
    ]) {
      const res = await fetch(`${proxy.url}${p}`);
      expect([p, res.status]).toEqual([p, 401]);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(((await res.json()) as { error: string }).error).toContain("missing API key");
    }
    const pull = await post("/api/pull", JSON.stringify({ model: "tinyllama" }));
    expect(pull.status).toBe(401);
    const openai = await post("/v1/chat/completions", chatBody("llama3.2"));
    expect(openai.status).toBe(401);
    expect(((await openai.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    const anthropic = await post(
      "/v1/messages",
      JSON.stringify({ model: "llama3.2", max_tokens: 5, messages: [] }),
    );
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(fake.requestsTo("/api/chat").length).toBe(0);
  });

  test("a browser's CORS preflight needs no key (browsers send none with it)", async () => {
    const res = await fetch(`${proxy.url}/api/chat`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
  });

  test("a wrong, an expired and a revoked key are refused", async () => {
    const wrong = `osp_${"A".repeat(43)}`;
    const res = await post("/api/chat", chatBody("llama3.2"), { authorization: `Bearer ${wrong}` });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe("invalid API key");
    expect((await post("/api/chat", chatBody("llama3.2"), { authorization: "Bearer nonsense" })).status).toBe(
      401,
    );

    const { key: expired } = await store().create({
      name: "expired",
      policy: {},
      expiresAt: Date.now() - 1000,
    });
    const revoked = await newKey("revoked");
    expect(
      (await post("/api/chat", chatBody("llama3.2"), { authorization: `Bearer ${revoked}` })).status,
    ).toBe(200);
    await store().revoke("revoked");
    await Bun.sleep(150);
    const r1 = await post("/api/chat", chatBody("llama3.2"), { authorization: `Bearer ${expired}` });
    expect([r1.status, ((await r1.json()) as { error: string }).error]).toEqual([
      401,
      "API key 'expired' is expired",
    ]);
    const r2 = await post("/api/chat", chatBody("llama3.2"), { "x-api-key": revoked });
    expect([r2.status, ((await r2.json()) as { error: string }).error]).toEqual([
      401,
      "API key 'revoked' is revoked",
    ]);
  });
});

describe("credential forms", () => {
  let key: string;
  beforeAll(async () => {
    key = await newKey("forms");
  });

  test("Bearer (OpenAI SDK and ollama-js with headers), never forwarded upstream", async () => {
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: key, maxRetries: 0 });
    const res = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("You said: hi");
    const ollama = new Ollama({ host: proxy.url, headers: { Authorization: `Bearer ${key}` } });
    const answer = await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "yo" }] });
    expect(answer.message.content).toBe("You said: yo");
    for (const r of fake.requestsTo("/api/chat").slice(-2)) {
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers["x-api-key"]).toBeUndefined();
    }
  });

  test("x-api-key (Anthropic SDK)", async () => {
    const anthropic = new Anthropic({ baseURL: proxy.url, apiKey: key, maxRetries: 0 });
    const msg = await anthropic.messages.create({
      model: "llama3.2",
      max_tokens: 50,
      messages: [{ role: "user", content: "hey" }],
    });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "You said: hey" });
  });

  test("HTTP Basic with the key as password (and as user, as curl -u KEY: sends it)", async () => {
    const asPassword = await fetch(`${proxy.url}/api/tags`, {
      headers: { authorization: `Basic ${btoa(`alice:${key}`)}` },
    });
    expect(asPassword.status).toBe(200);
    const asUser = await fetch(`${proxy.url}/api/tags`, {
      headers: { authorization: `Basic ${btoa(`${key}:`)}` },
    });
    expect(asUser.status).toBe(200);
    const u = new URL(proxy.url);
    const inUrl = await fetch(`http://alice:${key}@${u.host}/api/version`);
    expect(inUrl.status).toBe(200);
  });
});

describe("the ollama CLI's signature", () => {
  const signer = createOllamaSigner();
  beforeAll(async () => {
    await newKey("cli", { sshKeys: [signer.publicKeyLine], models: ["llama3*"] });
  });

  test("a request signed as the Go client signs it is served; ts and Authorization stay here", async () => {
    const { url, authorization } = signer.sign("POST", proxy.url, "/api/chat");
    const res = await fetch(url, { method: "POST", headers: { authorization }, body: chatBody("llama3.2") });
    expect(res.status).toBe(200);
    const seen = fake.requestsTo("/api/chat").at(-1);
    expect(seen?.search).toBe("");
    expect(seen?.headers.authorization).toBeUndefined();
    const tags = signer.sign("GET", proxy.url, "/api/tags");
    expect((await fetch(tags.url, { headers: { authorization: tags.authorization } })).status).toBe(200);
  });

  test("the key's policy applies to signed requests", async () => {
    const { url, authorization } = signer.sign("POST", proxy.url, "/api/chat");
    const res = await fetch(url, { method: "POST", headers: { authorization }, body: chatBody("qwen3") });
    expect(res.status).toBe(403);
  });

  test("stale, tampered, unregistered and path-swapped signatures are refused", async () => {
    const stale = signer.sign("GET", proxy.url, "/api/tags", Math.floor(Date.now() / 1000) - 600);
    const r1 = await fetch(stale.url, { headers: { authorization: stale.authorization } });
    expect(r1.status).toBe(401);
    expect(((await r1.json()) as { error: string }).error).toContain("ts");
    const signed = signer.sign("GET", proxy.url, "/api/tags");
    const [blob, sig] = signed.authorization.split(":") as [string, string];
    const flipped = `${blob}:${sig.startsWith("A") ? `B${sig.slice(1)}` : `A${sig.slice(1)}`}`;
    expect((await fetch(signed.url, { headers: { authorization: flipped } })).status).toBe(401);
    const other = createOllamaSigner().sign("GET", proxy.url, "/api/tags");
    const r3 = await fetch(other.url, { headers: { authorization: other.authorization } });
    expect(((await r3.json()) as { error: string }).error).toContain("unknown public key");
    // A signature for /api/tags does not open /api/ps.
    const swapped = signer.sign("GET", proxy.url, "/api/tags");
    const r4 = await fetch(swapped.url.replace("/api/tags", "/api/ps"), {
      headers: { authorization: swapped.authorization },
    });
    expect(r4.status).toBe(401);
    // No ts on the URL: not the CLI's form at all.
    expect(
      (await fetch(`${proxy.url}/api/tags`, { headers: { authorization: signed.authorization } })).status,
    ).toBe(401);
  });
});

describe("policy", () => {
  test("model globs with aliases resolved first; cloud models only when a glob names them", async () => {
    const key = await newKey("globs", { models: "llama3*,nomic-*" });
    const ollama = new Ollama({ host: proxy.url, headers: { Authorization: `Bearer ${key}` } });
    expect(
      (await ollama.chat({ model: "fast", messages: [{ role: "user", content: "x" }] })).message.content,
    ).toBe("You said: x");
    const refused = ollama.chat({ model: "qwen3", messages: [{ role: "user", content: "x" }] });
    await expect(refused).rejects.toMatchObject({
      status_code: 403,
      error: "key 'globs' may not use model 'qwen3'",
    });
    await expect(
      ollama.chat({ model: "smart", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({ status_code: 403 });
    await expect(ollama.embed({ model: "qwen3", input: "x" })).rejects.toMatchObject({ status_code: 403 });
    expect((await ollama.embed({ model: "nomic-embed-text", input: "x" })).embeddings.length).toBe(1);
    const cloudAny = await newKey("cloud-any", { models: "*" });
    const r = await post("/api/chat", chatBody("gpt-oss:120b-cloud"), {
      authorization: `Bearer ${cloudAny}`,
    });
    expect(r.status).toBe(403);
    const cloudOk = await newKey("cloud-ok", { models: "*-cloud" });
    const r2 = await post("/api/chat", chatBody("gpt-oss:120b-cloud"), {
      authorization: `Bearer ${cloudOk}`,
    });
    expect(r2.status).not.toBe(403);
  });

  test("a preset is judged by the model and the agents it runs, and listed only when its model is allowed", async () => {
    const key = await newKey("presets", { models: "llama3*", agents: "concise" });
    const ollama = new Ollama({ host: proxy.url, headers: { Authorization: `Bearer ${key}` } });
    const coder = await ollama
      .chat({ model: "coder", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(coder).toMatchObject({ status_code: 403, error: "key 'presets' may not use model 'qwen3'" });
    const french = await ollama
      .chat({ model: "french", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(french).toMatchObject({ status_code: 403, error: "key 'presets' may not use agent /translate" });
    const names = (await ollama.list()).models.map((m) => m.name);
    expect(names.some((n) => n.startsWith("french"))).toBe(true);
    expect(names.some((n) => n.startsWith("coder"))).toBe(false);
  });

  test("/api/tags, /v1/models and /api/ps list only what the key may use", async () => {
    const key = await newKey("lists", { models: "llama3*" });
    const ollama = new Ollama({ host: proxy.url, headers: { Authorization: `Bearer ${key}` } });
    const names = (await ollama.list()).models.map((m) => m.name);
    expect(names).toContain("llama3.2:latest");
    expect(names).toContain("fast:latest");
    expect(names).not.toContain("qwen3:latest");
    expect(names).not.toContain("smart:latest");
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: key, maxRetries: 0 });
    const ids = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toContain("llama3.2:latest");
    expect(ids.some((id) => id.startsWith("qwen3"))).toBe(false);
    expect(await openai.models.retrieve("qwen3:latest").catch((e) => e)).toMatchObject({ status: 404 });
    const anthropic = new Anthropic({ baseURL: proxy.url, apiKey: key, maxRetries: 0 });
    const page = await anthropic.models.list();
    expect(page.data.map((m) => m.id)).toContain("llama3.2:latest");
    expect(page.data.some((m) => m.id.startsWith("qwen3"))).toBe(false);
    expect(page.data[0]?.id).toBe((page as unknown as { first_id: string }).first_id);
    const hidden = await anthropic.models.retrieve("qwen3:latest").catch((e) => e);
    expect(hidden).toBeInstanceOf(Anthropic.NotFoundError);
    expect(hidden.error).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    await ollama.generate({ model: "llama3.2", prompt: "load", keep_alive: "5m" });
    const ps = await ollama.ps();
    expect(ps.models.every((m) => m.name.startsWith("llama3"))).toBe(true);
  });

  test("Anthropic's models.list pages through exactly the allowed models, has_more and ids true", async () => {
    const everything = new Anthropic({
      baseURL: proxy.url,
      apiKey: await newKey("all-models"),
      maxRetries: 0,
    });
    const all: string[] = [];
    for await (const m of everything.models.list({ limit: 1000 })) all.push(m.id);
    const anthropic = new Anthropic({
      baseURL: proxy.url,
      apiKey: await newKey("paged", { models: "qwen3*" }),
      maxRetries: 0,
    });
    // qwen3 itself, and the alias and the preset that run it.
    const wanted = all.filter((id) => id.startsWith("qwen3") || id === "smart" || id === "coder");
    // Allowed entries sit between refused ones: a page cut after paging would come back short or empty.
    expect(wanted.length).toBeGreaterThan(1);
    expect(wanted.length).toBeLessThan(all.length);
    const seen: string[] = [];
    for await (const m of anthropic.models.list({ limit: 1 })) seen.push(m.id);
    expect(seen).toEqual(wanted);
    const first = await anthropic.models.list({ limit: wanted.length - 1 });
    expect(first.data.map((m) => m.id)).toEqual(wanted.slice(0, -1));
    const raw = first as unknown as { has_more: boolean; first_id: string; last_id: string };
    expect(raw).toMatchObject({ has_more: true, first_id: wanted[0], last_id: wanted.at(-2) });
    const last = (await anthropic.models.list({ after_id: raw.last_id })) as unknown as {
      data: Array<{ id: string }>;
      has_more: boolean;
    };
    expect(last.data.map((m) => m.id)).toEqual(wanted.slice(-1));
    expect(last.has_more).toBe(false);
    const back = (await anthropic.models.list({ before_id: wanted.at(-1), limit: 1 })) as unknown as {
      data: Array<{ id: string }>;
      has_more: boolean;
    };
    expect(back.data.map((m) => m.id)).toEqual(wanted.slice(-2, -1));
    expect(back.has_more).toBe(wanted.length > 2);
  });

  test("model management needs --manage; /admin needs --admin", async () => {
    const plain = await newKey("plain");
    const r = await post("/api/pull", JSON.stringify({ model: "tinyllama", stream: false }), {
      authorization: `Bearer ${plain}`,
    });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: string }).error).toContain("--manage");
    const del = await fetch(`${proxy.url}/api/delete`, {
      method: "DELETE",
      body: JSON.stringify({ model: "x" }),
      headers: { authorization: `Bearer ${plain}` },
    });
    expect(del.status).toBe(403);
    expect(
      (await fetch(`${proxy.url}/admin/keys`, { headers: { authorization: `Bearer ${plain}` } })).status,
    ).toBe(403);
    const manager = await newKey("manager", { manage: true });
    const ollama = new Ollama({ host: proxy.url, headers: { Authorization: `Bearer ${manager}` } });
    expect((await ollama.pull({ model: "tinyllama" })).status).toBe("success");
  });

  test("allowed agents: a slash command outside the list is a 403 before the agent runs", async () => {
    const key = await newKey("agents", { agents: "concise" });
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: key, maxRetries: 0 });
    const ok = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "/concise hi" }],
    });
    expect(ok.choices[0]?.message.content).toBeTruthy();
    const before = fake.requestsTo("/api/chat").length;
    const refused = await openai.chat.completions
      .create({ model: "llama3.2", messages: [{ role: "user", content: "/translate fr hi" }] })
      .catch((e) => e);
    expect(refused).toMatchObject({ status: 403, message: expect.stringContaining("/translate") });
    expect(fake.requestsTo("/api/chat").length).toBe(before);
  });
});

describe("limits", () => {
  test("requests per minute: 429 with Retry-After, in each dialect", async () => {
    const key = await newKey("rpm", { rpm: 2 });
    const ollama = new Ollama({ host: proxy.url, headers: { Authorization: `Bearer ${key}` } });
    await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "1" }] });
    await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "2" }] });
    const res = await post("/api/chat", chatBody("llama3.2"), { authorization: `Bearer ${key}` });
    expect(res.status).toBe(429);
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(((await res.json()) as { error: string }).error).toContain("2 requests per minute");
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: key, maxRetries: 0 });
    const err = await openai.models.list().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers.get("retry-after")).toBeTruthy();
    const anthropic = new Anthropic({ baseURL: proxy.url, apiKey: key, maxRetries: 0 });
    const aerr = await anthropic.messages
      .create({ model: "llama3.2", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(aerr).toBeInstanceOf(Anthropic.RateLimitError);
    expect(aerr.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  });

  test("tokens per minute and the daily budget: checked before, charged after", async () => {
    const key = await newKey("tpm", { tpm: 5 });
    // "hello there" is 2 prompt tokens, the answer "You said: hello there" 4: 6 ≥ 5.
    expect((await post("/api/chat", chatBody("llama3.2"), { authorization: `Bearer ${key}` })).status).toBe(
      200,
    );
    const res = await post("/api/chat", chatBody("llama3.2"), { authorization: `Bearer ${key}` });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: string }).error).toContain("5 tokens per minute");
    const budget = await newKey("budget", { tokensPerDay: 5 });
    // Streamed: the count comes from the final chunk.
    const stream = await post("/api/chat", chatBody("llama3.2", "hello there", { stream: true }), {
      authorization: `Bearer ${budget}`,
    });
    await stream.text();
    const day = await post("/api/chat", chatBody("llama3.2"), { authorization: `Bearer ${budget}` });
    expect(day.status).toBe(429);
    expect(Number(day.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(day.headers.get("retry-after"))).toBeLessThanOrEqual(86_400);
  });

  test("concurrency: a second request while one runs is a 429; the slot frees when it ends", async () => {
    const key = await newKey("conc", { concurrency: 1 });
    const slow = post("/api/chat", chatBody("llama3.2"), {
      authorization: `Bearer ${key}`,
      "x-fake-first-byte-delay-ms": "400",
    });
    await Bun.sleep(100);
    const second = await post("/api/chat", chatBody("llama3.2"), { authorization: `Bearer ${key}` });
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("1");
    expect((await slow).status).toBe(200);
    expect((await post("/api/chat", chatBody("llama3.2"), { authorization: `Bearer ${key}` })).status).toBe(
      200,
    );
  });
});

describe("usage", () => {
  test("tokens per key, model and route equal what Ollama reported, streams included", async () => {
    const key = await newKey("meter");
    const auth = { Authorization: `Bearer ${key}` };
    const ollama = new Ollama({ host: proxy.url, headers: auth });
    let nativeIn = 0;
    let nativeOut = 0;
    const one = await ollama.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "count these words" }],
    });
    nativeIn += one.prompt_eval_count;
    nativeOut += one.eval_count;
    for await (const part of await ollama.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "a b c d" }],
      stream: true,
    }))
      if (part.done) [nativeIn, nativeOut] = [nativeIn + part.prompt_eval_count, nativeOut + part.eval_count];
    const gen = await ollama.generate({ model: "llama3.2", prompt: "five words in a row" });
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: key, maxRetries: 0 });
    const c1 = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "one two" }],
    });
    let streamedUsage = { prompt_tokens: 0, completion_tokens: 0 };
    const s = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "three four five" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of s) if (chunk.usage) streamedUsage = chunk.usage;
    const anthropic = new Anthropic({ baseURL: proxy.url, apiKey: key, maxRetries: 0 });
    const m = await anthropic.messages.create({
      model: "llama3.2",
      max_tokens: 100,
      messages: [{ role: "user", content: "six" }],
    });
    await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      headers: { ...auth, "x-openwebui-user-email": "bob@example.com" },
      body: chatBody("llama3.2", "from webui"),
    });
    const embedded = await ollama.embed({ model: "nomic-embed-text", input: ["one two three", "four"] });
    const v1embedded = await openai.embeddings.create({ model: "nomic-embed-text", input: "five six" });
    await Bun.sleep(200);
    const rows = await store().usage("2000-01-01", "meter");
    const at = (route: string, endUser = "") => rows.find((r) => r.route === route && r.endUser === endUser);
    expect(at("/api/chat")).toMatchObject({
      model: "llama3.2",
      requests: 2,
      errors: 0,
      inputTokens: nativeIn,
      outputTokens: nativeOut,
    });
    expect(at("/api/generate")).toMatchObject({
      inputTokens: gen.prompt_eval_count,
      outputTokens: gen.eval_count,
    });
    expect(at("/v1/chat/completions")).toMatchObject({
      requests: 2,
      inputTokens: (c1.usage?.prompt_tokens ?? 0) + streamedUsage.prompt_tokens,
      outputTokens: (c1.usage?.completion_tokens ?? 0) + streamedUsage.completion_tokens,
    });
    expect(at("/v1/messages")).toMatchObject({
      inputTokens: m.usage.input_tokens,
      outputTokens: m.usage.output_tokens,
    });
    expect(at("/api/chat", "bob@example.com")).toMatchObject({ requests: 1, inputTokens: 2 });
    expect(at("/api/chat")?.firstTokenCount).toBe(2);
    expect(embedded.prompt_eval_count).toBeGreaterThan(0);
    expect(at("/api/embed")).toMatchObject({
      requests: 1,
      inputTokens: embedded.prompt_eval_count,
      outputTokens: 0,
    });
    expect(at("/v1/embeddings")).toMatchObject({ requests: 1, inputTokens: v1embedded.usage.prompt_tokens });
    const failed = await post("/api/chat", chatBody("no-such-model"), auth);
    expect(failed.status).toBe(404);
    await Bun.sleep(150);
    const after = await store().usage("2000-01-01", "meter");
    expect(after.find((r) => r.model === "no-such-model")).toMatchObject({
      requests: 1,
      errors: 1,
      inputTokens: 0,
    });
  });
});

describe("/admin", () => {
  test("an admin key creates, lists and revokes keys; the new key works at once and stops within 2 s", async () => {
    const admin = await newKey("root", { admin: true });
    const h = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
    const made = await fetch(`${proxy.url}/admin/keys`, {
      method: "POST",
      headers: h,
      body: JSON.stringify({ name: "carol", models: ["llama3*"], rpm: 10 }),
    });
    expect(made.status).toBe(201);
    const { key, prefix } = (await made.json()) as { key: string; prefix: string };
    expect(key.startsWith(prefix)).toBe(true);
    const list = (await (await fetch(`${proxy.url}/admin/keys`, { headers: h })).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    const carol = list.keys.find((k) => k.name === "carol");
    expect(carol).toMatchObject({ policy: { models: ["llama3*"], rpm: 10 }, revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(key);
    expect(JSON.stringify(list)).not.toContain("hash");
    await Bun.sleep(120);
    expect(
      (await fetch(`${proxy.url}/api/tags`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(200);
    const bad = await fetch(`${proxy.url}/admin/keys`, {
      method: "POST",
      headers: h,
      body: JSON.stringify({ name: "dave", rpm: -1 }),
    });
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([
      400,
      "rpm must be a positive integer",
    ]);
    expect((await fetch(`${proxy.url}/admin/keys/carol`, { method: "DELETE", headers: h })).status).toBe(200);
    await Bun.sleep(150);
    expect(
      (await fetch(`${proxy.url}/api/tags`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(401);
    const usage = await fetch(`${proxy.url}/admin/usage?since=1d&name=carol`, { headers: h });
    expect(((await usage.json()) as { usage: unknown[] }).usage.length).toBeGreaterThan(0);
    const health = (await (await fetch(`${proxy.url}/health`, { headers: h })).json()) as Record<
      string,
      unknown
    >;
    expect(health.auth).toMatchObject({ store: "sqlite", counters: { backend: "local", status: "ok" } });
  });
});

describe("the keys command and the graceful stop", () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runKeysCommand(argv, { DATABASE_URL: path.join(dir, "data", "proxy.sqlite") }, dir, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out, err: err.join("\n") };
  };

  test("mistakes are one clear line and exit 2; list shows state and policy, never a key", async () => {
    expect(await run("create")).toMatchObject({
      code: 2,
      err: "ollama-smart-proxy keys: a name is required (--name)",
    });
    expect((await run("create", "--name", "x", "--rpm", "lots")).err).toContain(
      "--rpm must be a positive integer",
    );
    expect((await run("create", "--name", "x", "--ssh-key", "ssh-rsa AAAA")).err).toContain(
      "not an ssh-ed25519 public key",
    );
    expect((await run("create", "--name", "x", "--bogus")).err).toContain("unknown flag --bogus");
    expect((await run("create", "--name", "forms")).err).toContain("exists already");
    expect((await run("revoke", "nobody")).code).toBe(2);
    const made = await run("create", "--name", "eve", "--models", "llama3*", "--expires", "30d", "--manage");
    expect(made.code).toBe(0);
    const key = made.out.at(-1) as string;
    const list = await run("list");
    const eve = list.out.find((l) => l.startsWith("eve "));
    expect(eve).toContain("active");
    expect(eve).toContain("manage models=llama3*");
    expect(list.out.join("\n")).not.toContain(key);
    expect(list.out.find((l) => l.startsWith("revoked "))).toContain("revoked");
  });

  test("the store comes from --config / CONFIG_FILE as the server reads it: flag > env > file", async () => {
    const cfg = mkdtempSync(path.join(os.tmpdir(), "osp-keys-cfg-"));
    const db = (name: string) => path.join(cfg, `${name}.sqlite`);
    const file = path.join(cfg, "proxy.yaml");
    await Bun.write(file, `database-url: ${db("file")}\nauth-secret: from-the-file\n`);
    const keys = async (env: Record<string, string>, ...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runKeysCommand(argv, env, cfg, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out, err: err.join("\n") };
    };
    const names = async (database: string) =>
      (
        JSON.parse((await keys({}, "list", "--json", "--database-url", database)).out.join("\n")) as Array<{
          name: string;
        }>
      ).map((k) => k.name);
    try {
      expect((await keys({}, "create", "--name", "by-flag", "--config", file)).code).toBe(0);
      expect((await keys({ CONFIG_FILE: "proxy.yaml" }, "create", "--name", "by-env")).code).toBe(0);
      expect(await names(db("file"))).toEqual(["by-flag", "by-env"]);
      expect(
        (await keys({ CONFIG_FILE: file, DATABASE_URL: db("env") }, "create", "--name", "env-wins")).code,
      ).toBe(0);
      expect(await names(db("env"))).toEqual(["env-wins"]);
      expect(
        (await keys({ DATABASE_URL: db("env") }, "create", "--name", "x", "--database-url", db("flag"))).code,
      ).toBe(0);
      expect(await names(db("flag"))).toEqual(["x"]);
      // The file's secret keys the hashes: a proxy reading the same file accepts the key.
      const key = (await keys({}, "create", "--name", "served", "--config", file)).out.at(-1) as string;
      const served = await startProxy({
        upstreamUrl: fake.url,
        settings: { auth: "keys", databaseUrl: db("file"), authSecret: "from-the-file" },
      });
      try {
        const res = await fetch(`${served.url}/api/tags`, { headers: { authorization: `Bearer ${key}` } });
        expect(res.status).toBe(200);
      } finally {
        await served.stop();
      }
      await Bun.write(file, "database-url: [1, 2]\nrpm: 3\n");
      const broken = await keys({}, "list", "--config", file);
      expect(broken.code).toBe(2);
      expect(broken.err).toContain(`${file}: rpm: unknown key`);
    } finally {
      rmSync(cfg, { recursive: true, force: true });
    }
  });

  test("usage still pending when the proxy stops is written before it exits", async () => {
    const db = path.join(dir, "late.sqlite");
    const late = await startProxy({
      upstreamUrl: fake.url,
      settings: { auth: "keys", databaseUrl: db },
      // Nothing is written on a timer here: only the stop can write it.
      tuning: { auth: { refreshMs: 50, flushMs: 3_600_000 } },
    });
    const made = await createFromOptions(late.composed.auth?.store ?? (null as never), { name: "late" });
    await Bun.sleep(120);
    const res = await fetch(`${late.url}/api/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${made.key}` },
      body: chatBody("llama3.2"),
    });
    expect(res.status).toBe(200);
    await late.stop();
    const lines: string[] = [];
    const after = await runKeysCommand(["usage", "late", "--json"], { DATABASE_URL: db }, dir, {
      out: (l) => lines.push(l),
      err: () => {},
    });
    expect(after).toBe(0);
    expect(JSON.parse(lines.join("\n"))).toMatchObject([
      { name: "late", requests: 1, inputTokens: 2, outputTokens: 4 },
    ]);
  });
});
