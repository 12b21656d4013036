// The config file edited while the proxy runs: aliases and presets appear without a restart and
// without breaking a stream in flight; a broken edit changes nothing; GET /config masks secrets.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let dir: string;
let file: string;

const hi = [{ role: "user" as const, content: "hi" }];
const CODER =
  'presets:\n  coder:\n    model: gpt-4o-mini\n    agents: /expert "senior engineer" /concise\n    options: { temperature: 0.2, num_ctx: 8192 }\n';

/** Writes the file as editors do: a new file renamed over the old one. */
function edit(text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const tagNames = async () =>
  ((await (await fetch(`${proxy.url}/api/tags`)).json()) as { models: Array<Record<string, unknown>> })
    .models;
const logged = (msg: string) => proxy.logs.filter((l) => l.msg === msg);
const lastChat = () => fake.requestsTo("/api/chat").at(-1)?.body as Record<string, unknown>;
const systemOf = (body: Record<string, unknown>) =>
  String(
    (body.messages as Array<{ role: string; content: string }>).find((m) => m.role === "system")?.content,
  );

async function start(text: string, upstreamUrl = fake.url) {
  writeFileSync(file, text);
  proxy = await startProxy({ upstreamUrl, configFile: file, tuning: { configReloadDebounceMs: 20 } });
}

beforeAll(() => {
  fake = startFakeOllama();
});
beforeEach(() => {
  fake.reset();
  dir = mkdtempSync(path.join(tmpdir(), "proxy-reload-"));
  file = path.join(dir, "proxy.yaml");
});
afterEach(async () => {
  await proxy?.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(() => fake.stop());

describe("live reload", () => {
  test("an alias and a preset added while a stream runs: the stream ends intact, both work within 2 s", async () => {
    await start("model-aliases:\n  gpt-4o-mini: llama3.2\n");
    const words = Array.from({ length: 12 }, (_, i) => `w${i}`).join(" ");
    const slow = fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      headers: { "x-fake-chunk-delay-ms": "60", "x-fake-reply": words },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: hi }),
    }).then((r) => r.text());
    await fake.waitForRequest((r) => r.path === "/api/chat");

    const edited = performance.now();
    edit(`model-aliases:\n  gpt-4o-mini: llama3.2\n  small: qwen3\n${CODER}`);
    const names = await eventually(
      "the alias and the preset in /api/tags",
      async () => {
        const models = await tagNames();
        const alias = models.find((m) => m.name === "small:latest");
        const preset = models.find((m) => m.name === "coder:latest");
        return alias && preset && { alias, preset };
      },
      2000,
    );
    expect(performance.now() - edited).toBeLessThan(2000);
    expect(names.alias.alias_of).toBe("qwen3:latest");
    expect(names.preset).toMatchObject({ preset_of: "llama3.2:latest", details: { family: "llama" } });

    // The stream that started before the edit ends with every piece and its done line.
    const lines = (await slow)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ done: true });
    expect(lines.map((l) => l.message?.content ?? "").join("")).toBe(words);

    const ollama = new Ollama({ host: proxy.url });
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "x", maxRetries: 0 });
    expect((await ollama.chat({ model: "small", messages: hi, stream: false })).message.content).toBe(
      "You said: hi",
    );
    expect(lastChat().model).toBe("qwen3");
    const viaOpenAI = await openai.chat.completions.create({ model: "coder", messages: hi });
    expect(viaOpenAI.model).toBe("coder");
    expect(lastChat()).toMatchObject({ model: "llama3.2", options: { temperature: 0.2, num_ctx: 8192 } });
    expect(systemOf(lastChat())).toContain("expert senior engineer");
    expect(systemOf(lastChat())).toContain("Be concise");
    // The client's own options win over the preset's; its own commands run after the preset's.
    const native = await ollama.chat({
      model: "coder",
      messages: [{ role: "user", content: "/translate fr hello" }],
      options: { temperature: 0.9 },
      stream: false,
    });
    expect(native.message.content).toContain("hello");
    expect(lastChat().options).toEqual({ temperature: 0.9, num_ctx: 8192 });
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(["small", "coder"]));
    expect(logged("config reloaded").at(-1)).toMatchObject({ applied: ["model-aliases", "presets"] });
  });

  test("a broken edit is refused with one line and changes nothing", async () => {
    await start(`model-aliases:\n  gpt-4o-mini: llama3.2\n${CODER}`);
    edit("model-aliases:\n  gpt-4o-mini: llama3.2\n  other: llama3.2\nprot: 9000\n");
    const line = await eventually(
      "the refusal",
      () => logged("config change refused; the configuration in force stays")[0],
    );
    expect(line.problems).toEqual([`${file}: prot: unknown key (did you mean "port"?)`]);
    const names = (await tagNames()).map((m) => m.name);
    expect(names).toContain("coder:latest");
    expect(names).not.toContain("other:latest");
    const res = await new OpenAI({
      baseURL: `${proxy.url}/v1`,
      apiKey: "x",
      maxRetries: 0,
    }).chat.completions.create({
      model: "coder",
      messages: hi,
    });
    expect(res.choices[0]?.message.content).toBe("You said: hi");
  });

  test("settings fixed at start-up say so, keep their value, and show as waiting for a restart", async () => {
    await start("default-model: llama3.2\n");
    edit("default-model: qwen3\nidle-timeout: 60\nmax-body-mb: 5\n");
    const line = await eventually(
      "the restart line",
      () => logged("config change needs a restart to apply; the running value stays")[0],
    );
    expect(line.settings).toEqual(["idle-timeout", "max-body-mb"]);
    const view = (await (await fetch(`${proxy.url}/config`)).json()) as {
      settings: Record<string, { value: unknown; source: string }>;
      pending_restart: string[];
    };
    expect(view.settings.port).toMatchObject({ value: 0, source: "flag" });
    expect(view.settings["max-body-mb"]).toMatchObject({ value: 100, source: "default" });
    expect(view.settings["default-model"]).toMatchObject({ value: "qwen3", source: "file" });
    expect(view.pending_restart).toEqual(["idle-timeout", "max-body-mb"]);
    expect(view.settings["idle-timeout"]).toMatchObject({ value: 30, source: "default" });
    // SIGHUP's path: a reload on request, the file unchanged, changes nothing and refuses nothing.
    expect(proxy.composed.reloadConfig()).toBe(true);
  });
  test("agent settings and unknown-command apply live: agents load again with the new settings", async () => {
    await start("agent-settings:\n  concise: { maxSentences: 3 }\n");
    const ollama = new Ollama({ host: proxy.url });
    const ask = async (content: string) =>
      (await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content }], stream: false })).message
        .content;
    await ask("/concise hi");
    expect(systemOf(lastChat())).toContain("at most 3 sentences");
    expect(await ask("/nosuch hi")).toContain("/nosuch");
    const before = fake.requestsTo("/api/chat").length;
    edit("agent-settings:\n  concise: { maxSentences: 1 }\nunknown-command: pass\n");
    await eventually("the agents loaded again", () => logged("agents reloaded").length > 0);
    await ask("/concise hi");
    expect(systemOf(lastChat())).toContain("at most 1 sentences");
    // `pass`: the unknown command goes to the model as the user typed it.
    expect(await ask("/nosuch hi")).toBe("You said: /nosuch hi");
    expect(fake.requestsTo("/api/chat").length).toBe(before + 2);
  });
});

describe("GET /config and failed presets", () => {
  test("secrets are masked: upstream credentials and agent settings values", async () => {
    const withAuth = fake.url.replace("://", "://me:hunter2@");
    await start("agent-settings:\n  concise: { maxSentences: 2, apiKey: sk-secret }\n", withAuth);
    const res = await fetch(`${proxy.url}/config`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("sk-secret");
    const view = JSON.parse(text) as {
      file: string;
      settings: Record<string, { value: unknown; source: string }>;
    };
    expect(view.file).toBe(file);
    expect(view.settings["ollama-url"]).toMatchObject({ source: "flag" });
    expect(String(view.settings["ollama-url"]?.value)).toContain("://***@127.0.0.1");
    expect(view.settings["agent-settings"]).toEqual({
      value: { concise: { maxSentences: "***", apiKey: "***" } },
      source: "file",
      env: "AGENT_SETTINGS",
      live: true,
    } as never);
  });

  test("a preset whose agent or model is missing is listed as failed, and a request for it gets a 404 in its dialect", async () => {
    await start(
      "auto-pull: false\npresets:\n  broken: { model: llama3.2, agents: /nosuch }\n  ghost: { model: not-installed }\n  fine: { model: qwen3, system: Be brief. }\n",
    );
    await tagNames(); // what a model picker does first; it also tells the proxy what is installed
    const plugins = (await (await fetch(`${proxy.url}/plugins`)).json()) as {
      presets: Array<Record<string, unknown>>;
    };
    expect(plugins.presets).toEqual([
      {
        name: "broken",
        status: "failed",
        model: "llama3.2",
        agents: "/nosuch",
        problems: ["agent /nosuch is not loaded"],
      },
      {
        name: "ghost",
        status: "failed",
        model: "not-installed",
        agents: "",
        problems: ['model "not-installed" is not installed (and AUTO_PULL is off)'],
      },
      { name: "fine", status: "ready", model: "qwen3", agents: "", problems: [] },
    ]);
    const view = (await (await fetch(`${proxy.url}/config`)).json()) as {
      presets: Array<Record<string, unknown>>;
    };
    expect(view.presets.map((p) => [p.name, p.status])).toEqual([
      ["broken", "failed"],
      ["ghost", "failed"],
      ["fine", "ready"],
    ]);
    const names = (await tagNames()).map((m) => m.name);
    expect(names).toContain("fine:latest");
    expect(names).not.toContain("broken:latest");

    const native = await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "broken", messages: hi }),
    });
    expect(native.status).toBe(404);
    expect(await native.json()).toEqual({ error: 'preset "broken" cannot run: agent /nosuch is not loaded' });
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "x", maxRetries: 0 });
    const err = (await openai.chat.completions
      .create({ model: "broken", messages: hi })
      .catch((e) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(404);
    expect(err.message).toContain("agent /nosuch is not loaded");
    const anthropic = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "broken", max_tokens: 10, messages: hi }),
    });
    expect(anthropic.status).toBe(404);
    expect(await anthropic.json()).toMatchObject({
      type: "error",
      error: { message: expect.stringContaining("/nosuch") },
    });

    // The ready preset's system prompt applies when the client sends none.
    await new Ollama({ host: proxy.url }).chat({ model: "fine", messages: hi, stream: false });
    expect(lastChat()).toMatchObject({
      model: "qwen3",
      messages: [{ role: "system", content: "Be brief." }, hi[0]],
    });
  });
});
