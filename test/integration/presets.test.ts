// A preset named as the model runs its chain over its base model on every chat route and dialect,
// streaming or not, as if the user had typed the commands first.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { Ollama } from "ollama";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let dir: string;

const PRESETS = `presets:
  coder:
    model: llama3.2
    agents: /expert chemist /concise
    options: { temperature: 0.2 }
    description: A terse chemist
`;

beforeAll(async () => {
  fake = startFakeOllama();
  dir = mkdtempSync(path.join(tmpdir(), "proxy-presets-"));
  writeFileSync(path.join(dir, "proxy.yaml"), PRESETS);
  proxy = await startProxy({ upstreamUrl: fake.url, configFile: path.join(dir, "proxy.yaml") });
});
afterAll(async () => {
  await proxy.stop();
  fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

const user = (content: string) => [{ role: "user", content }];
/** Route, request body, the upstream path it reaches, and where the answer names its model. */
const ROUTES: Array<[string, (stream: boolean) => Record<string, unknown>, string, boolean]> = [
  ["/api/chat", (stream) => ({ model: "coder", messages: user("why?"), stream }), "/api/chat", false],
  ["/api/generate", (stream) => ({ model: "coder", prompt: "why?", stream }), "/api/generate", false],
  [
    "/v1/chat/completions",
    (stream) => ({ model: "coder", messages: user("why?"), stream }),
    "/api/chat",
    true,
  ],
  ["/v1/completions", (stream) => ({ model: "coder", prompt: "why?", stream }), "/api/generate", true],
  ["/v1/responses", (stream) => ({ model: "coder", input: "why?", stream }), "/api/chat", true],
  [
    "/v1/messages",
    (stream) => ({ model: "coder", max_tokens: 50, messages: user("why?"), stream }),
    "/api/chat",
    true,
  ],
];

describe("every chat route and dialect", () => {
  for (const [route, body, upstreamPath, echoes] of ROUTES) {
    for (const stream of [false, true]) {
      test(`${route} ${stream ? "streaming" : "one-shot"}`, async () => {
        fake.reset();
        const res = await fetch(`${proxy.url}${route}`, {
          method: "POST",
          headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
          body: JSON.stringify(body(stream)),
        });
        const text = await res.text();
        expect(res.status).toBe(200);
        expect(res.headers.get("x-agent-chain")).toBe("expert,concise");
        const sent = fake.requestsTo(upstreamPath).at(-1)?.body as Record<string, unknown>;
        expect(sent).toMatchObject({ model: "llama3.2", options: { temperature: 0.2 } });
        const system =
          upstreamPath === "/api/generate"
            ? String(sent.system)
            : String((sent.messages as Array<{ role: string; content: string }>)[0]?.content);
        expect(system).toContain("expert chemist");
        expect(system).toContain("Be concise");
        // The commands are the preset's business: the model sees the user's words only.
        expect(JSON.stringify(sent)).not.toContain("/expert");
        expect(text).toContain("why?");
        // Other dialects echo the name the client asked for, as with aliases; native answers are Ollama's own.
        if (echoes) expect(text).toContain('"model":"coder"');
      });
    }
  }
});

describe("model lists", () => {
  test("/api/tags marks the preset, /api/show shows its base model, /v1/models lists it", async () => {
    const ollama = new Ollama({ host: proxy.url });
    const entry = (await ollama.list()).models.find((m) => m.name === "coder:latest") as unknown as Record<
      string,
      unknown
    >;
    expect(entry).toMatchObject({ preset_of: "llama3.2:latest", details: { family: "llama" } });
    expect((await ollama.show({ model: "coder" })).capabilities).toContain("completion");
    const models = (await (await fetch(`${proxy.url}/v1/models`)).json()) as {
      data: Array<{ id: string; owned_by: string }>;
    };
    expect(models.data.find((m) => m.id === "coder")?.owned_by).toBe("preset of llama3.2");
  });

  test("the Anthropic SDK gets the preset's chain too", async () => {
    fake.reset();
    const claude = new Anthropic({ baseURL: proxy.url, apiKey: "x", maxRetries: 0 });
    const msg = await claude.messages.create({
      model: "coder",
      max_tokens: 20,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.model).toBe("coder");
    expect(JSON.stringify(fake.requestsTo("/api/chat").at(-1)?.body)).toContain("expert chemist");
  });
});
