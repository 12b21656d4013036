// Agents through the running proxy, driven by the real ollama and openai clients.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually, SHIPPED_AGENTS_DIR as SHIPPED, startProxy, type TestProxy } from "../helpers/proxy.ts";
import { ndjsonLines } from "../helpers/streams.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let ollama: Ollama;
let openai: OpenAI;

beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url });
  ollama = new Ollama({ host: proxy.url });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused" });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});
beforeEach(() => fake.reset());

const lastChat = () =>
  fake.requestsTo("/api/chat").at(-1)?.body as { messages: Array<{ role: string; content: string }> };

describe("slash commands with the ollama client", () => {
  test("/example hi activates the example agent: command stripped upstream, answer decorated while streaming", async () => {
    const stream = await ollama.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "/example hi" }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const part of stream) pieces.push(part.message.content);
    const upstream = lastChat();
    expect(upstream.messages.at(-1)).toEqual({ role: "user", content: "hi" });
    expect(upstream.messages[0]?.role).toBe("system");
    expect(pieces.join("")).toStartWith("You said: hi");
    expect(pieces.join("")).toContain("— example agent");
    expect(pieces.filter((p) => p.length > 0).length).toBeGreaterThan(2);
  });

  test("the active chain is named in a response header and the access log", async () => {
    const res = await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      headers: { "x-request-id": "chain-1" },
      body: JSON.stringify({
        model: "llama3.2",
        messages: [{ role: "user", content: "/concise /example hi" }],
      }),
    });
    expect(res.headers.get("x-agent-chain")).toBe("concise,example");
    await res.text();
    const line = await eventually("access line", () =>
      proxy.logs.find((l) => l.requestId === "chain-1" && l.msg === "request"),
    );
    expect(line.agents).toEqual(["concise", "example"]);
  });

  test("/redact masks an e-mail address and a phone number split across chunks, while streaming", async () => {
    const reply = "Write to john.doe@example.com or call +44 20 7946 0958 today.";
    const client = new Ollama({
      host: proxy.url,
      headers: { "x-fake-reply": encodeURIComponent(reply), "x-fake-chunks": "23" },
    });
    const stream = await client.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "/redact contacts?" }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const part of stream) pieces.push(part.message.content);
    const text = pieces.join("");
    expect(text).toBe("Write to [email] or call [phone] today.");
    expect(pieces.filter((p) => p.length > 0).length).toBeGreaterThan(3);
    expect(lastChat().messages.at(-1)?.content).toBe("contacts?");
  });

  test("a chain applies in the documented order: request hooks left to right", async () => {
    const ask = async (content: string) => {
      await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content }] });
      const upstream = lastChat();
      expect(upstream.messages.at(-1)?.content).toBe("Why is salt salty?");
      return upstream.messages
        .filter((m) => m.role === "system")
        .map((m) => m.content)
        .join("\n");
    };
    // Both agents extend the system prompt, so its order shows which hook ran first.
    const expertFirst = await ask("/expert chemist /concise Why is salt salty?");
    const conciseFirst = await ask("/concise /expert chemist Why is salt salty?");
    expect(expertFirst.indexOf("Be concise")).toBeGreaterThan(0);
    expect(expertFirst.indexOf("chemist")).toBeLessThan(expertFirst.indexOf("Be concise"));
    expect(conciseFirst.indexOf("chemist")).toBeGreaterThan(conciseFirst.indexOf("Be concise"));
  });

  test("/help lists the agents as an assistant reply without calling the model", async () => {
    const res = await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "/help" }] });
    for (const name of ["example", "redact", "critique", "concise", "translate", "expert"]) {
      expect(res.message.content).toContain(`/${name}`);
    }
    expect(fake.requestsTo("/api/chat")).toHaveLength(0);
  });

  test("an unknown /word gets a helpful reply; a path is not a command; // sends a literal slash", async () => {
    const unknown = await ollama.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "/nope hi" }],
    });
    expect(unknown.message.content).toContain("/nope");
    expect(unknown.message.content).toContain("/example");
    expect(fake.requestsTo("/api/chat")).toHaveLength(0);

    await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "/usr/bin is where?" }] });
    expect(lastChat().messages.at(-1)?.content).toBe("/usr/bin is where?");
    await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "//example is a command" }] });
    expect(lastChat().messages.at(-1)?.content).toBe("/example is a command");
  });

  test("earlier commands are stripped from resent history", async () => {
    await ollama.chat({
      model: "llama3.2",
      messages: [
        { role: "user", content: "/concise what is DNS?" },
        { role: "assistant", content: "Names to addresses." },
        { role: "user", content: "and DHCP?" },
      ],
    });
    expect(lastChat().messages.map((m) => m.content)).toEqual([
      "what is DNS?",
      "Names to addresses.",
      "and DHCP?",
    ]);
  });

  test("/example works on /api/generate too: the prompt loses the command", async () => {
    const res = await ollama.generate({ model: "llama3.2", prompt: "/example hello" });
    const upstream = fake.requestsTo("/api/generate").at(-1)?.body as { prompt: string; system?: string };
    expect(upstream.prompt).toBe("hello");
    expect(upstream.system).toContain("example agent");
    expect(res.response).toContain("— example agent");
  });

  test("/critique takes over the turn: three model calls, the improved answer streamed", async () => {
    const stream = await ollama.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "/critique why?" }],
      stream: true,
    });
    let text = "";
    for await (const part of stream) text += part.message.content;
    expect(fake.requestsTo("/api/chat")).toHaveLength(3);
    expect(text.length).toBeGreaterThan(0);
  });
});

describe("slash commands with the openai client", () => {
  test("/redact streams masked text through /v1/chat/completions", async () => {
    const client = new OpenAI({
      baseURL: `${proxy.url}/v1`,
      apiKey: "unused",
      defaultHeaders: {
        "x-fake-reply": encodeURIComponent("mail me at a.b@c.org now"),
        "x-fake-chunks": "9",
      },
    });
    const stream = await client.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "/redact hi" }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("mail me at [email] now");
  });

  test("/example and /help without streaming", async () => {
    const res = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "/example hi" }],
    });
    expect(res.choices[0]?.message.content).toContain("— example agent");
    const help = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "/help" }],
    });
    expect(help.choices[0]?.message.content).toContain("/redact");
    const completion = await openai.completions.create({ model: "llama3.2", prompt: "/example hey" });
    expect(completion.choices[0]?.text).toContain("— example agent");
  });
});

describe("a failing agent", () => {
  let dir: string;
  let own: TestProxy;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "agents-"));
    await writeFile(
      path.join(dir, "boom.ts"),
      `export default { manifest: { name: "boom", description: "fails mid-stream" },
        transformResponse() { let n = 0; return { chunk(t) { if (++n === 2) throw new Error("kaput"); return t; } }; } };`,
    );
    await writeFile(
      path.join(dir, "slow.ts"),
      `export default { manifest: { name: "slow", description: "never answers" },
        async onRequest() { await new Promise((r) => setTimeout(r, 5000)); } };`,
    );
    own = await startProxy({ upstreamUrl: fake.url, settings: { agentsDir: dir, agentTimeoutMs: 200 } });
  });
  afterAll(async () => {
    await own.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("fails that request with an error naming the agent, mid-stream as an error line; the proxy stays healthy", async () => {
    const res = await fetch(`${own.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({
        model: "llama3.2",
        messages: [{ role: "user", content: "/boom one two three" }],
      }),
    });
    const lines = await ndjsonLines(res);
    expect(String(lines.at(-1)?.error)).toContain('agent "boom"');
    expect(String(lines.at(-1)?.error)).toContain("kaput");
    const err = await new Ollama({ host: own.url })
      .chat({ model: "llama3.2", messages: [{ role: "user", content: "/boom x y z" }] })
      .catch((e) => e);
    expect(String(err.message)).toContain('agent "boom"');
    expect((await fetch(`${own.url}/health`)).status).toBe(200);
    const fine = await new Ollama({ host: own.url }).chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "ok" }],
    });
    expect(fine.message.content).toBe("You said: ok");
  });

  test("a hook that times out fails with a clear error in the client's dialect", async () => {
    const err = await new OpenAI({ baseURL: `${own.url}/v1`, apiKey: "x", maxRetries: 0 }).chat.completions
      .create({ model: "llama3.2", messages: [{ role: "user", content: "/slow hi" }] })
      .catch((e) => e);
    expect(err.status).toBe(500);
    expect(String(err.message)).toContain('agent "slow" timed out');
  });
});

describe("plugins and hot reload", () => {
  test("/plugins tells the truth about every file in the agents folder", async () => {
    const res = await fetch(`${proxy.url}/plugins`);
    const body = (await res.json()) as { agents: Array<{ name: string; status: string; file: string }> };
    // `_` files are helpers shared by agents, not agents.
    const files = (await Array.fromAsync(new Bun.Glob("*.ts").scan(SHIPPED)))
      .filter((f) => !f.startsWith("_"))
      .sort();
    expect(body.agents.map((a) => a.file).sort()).toEqual(files);
    expect(body.agents.every((a) => a.status === "loaded")).toBe(true);
    const one = await fetch(`${proxy.url}/plugins/redact`);
    expect(((await one.json()) as { hooks: string[] }).hooks).toContain("transformResponse");
    expect((await fetch(`${proxy.url}/plugins/nope`)).status).toBe(404);
  });

  test("an agent edited on disk is reloaded without a restart", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "agents-"));
    const file = path.join(dir, "tag.ts");
    const agent = (label: string) =>
      `export default { manifest: { name: "tag", description: "tags" }, onRequest(r) { r.messages.at(-1).content += " [${label}]"; } };`;
    await writeFile(file, agent("v1"));
    const own = await startProxy({
      upstreamUrl: fake.url,
      settings: { agentsDir: dir, agentsWatch: true },
      tuning: { agentReloadDebounceMs: 50 },
    });
    try {
      const client = new Ollama({ host: own.url });
      const first = await client.chat({
        model: "llama3.2",
        messages: [{ role: "user", content: "/tag hi" }],
      });
      expect(first.message.content).toBe("You said: hi [v1]");
      const before = own.composed.registry.snapshot().get("tag")?.loadedAt;
      await writeFile(file, agent("v2"));
      await eventually(
        "reload",
        () => own.composed.registry.snapshot().get("tag")?.loadedAt !== before,
        5000,
      );
      const second = await client.chat({
        model: "llama3.2",
        messages: [{ role: "user", content: "/tag hi" }],
      });
      expect(second.message.content).toBe("You said: hi [v2]");
    } finally {
      await own.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
