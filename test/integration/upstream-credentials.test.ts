// Credentials in OLLAMA_URL, with the proxy run as users run it (a real process, so main.ts's own
// start-up lines count): Basic auth reaches Ollama, and no body, header or log line shows them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { type SpawnedProxy, spawnProxy } from "../helpers/spawn-proxy.ts";
import { ndjsonLines } from "../helpers/streams.ts";

// A made-up password with an "@" and a non-ASCII letter, so it must be percent-encoded in the URL.
const USER = "alice";
const PASSWORD = "hunter2@ä-test-only";
const USERINFO = `${USER}:${encodeURIComponent(PASSWORD)}`;
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`, "utf8").toString("base64")}`;
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), BASIC.slice("Basic ".length), `${USER}:`];

function expectNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} shows a credential`).toBe(false);
}

const withCredentials = (url: string) => url.replace("://", `://${USERINFO}@`);
const chat = (stream: boolean) =>
  JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "one two three" }], stream });

async function logLine(proxy: SpawnedProxy, msg: string): Promise<Record<string, unknown>> {
  const deadline = performance.now() + 5000;
  for (;;) {
    const line = proxy.lines.find((l) => l.msg === msg);
    if (line) return line;
    if (performance.now() > deadline) throw new Error(`no "${msg}" log line: ${JSON.stringify(proxy.lines)}`);
    await Bun.sleep(10);
  }
}

/** Stops the proxy and returns everything it wrote, stdout and stderr. */
async function stopAndCollect(proxy: SpawnedProxy): Promise<string> {
  await proxy.stop();
  const stdout = await new Response(proxy.proc.stdout).text();
  return `${stdout}\n${proxy.lines.map((l) => JSON.stringify(l)).join("\n")}`;
}

describe("OLLAMA_URL with user:pass@", () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama();
  });
  afterAll(() => fake.stop());

  test("every upstream request carries the Basic header; /health, errors and logs never show it", async () => {
    const proxy = await spawnProxy({
      args: ["--port", "0", "--ollama-url", withCredentials(fake.url), "--log-level", "debug"],
    });
    const bodies: string[] = [];
    try {
      expect(proxy.listening).toMatchObject({ upstream: fake.url, upstreamAuth: "basic" });
      await logLine(proxy, "upstream reachable");

      const health = await fetch(`${proxy.url}/health`);
      const healthText = await health.text();
      expect(health.status).toBe(200);
      expect(JSON.parse(healthText).upstream.url).toBe(fake.url);
      bodies.push(healthText);

      // Pass-through (forward), a chat the proxy sends itself (call), and an OpenAI client's request,
      // whose own "Bearer" must not replace the configured credentials.
      bodies.push(await (await fetch(`${proxy.url}/api/version`)).text());
      bodies.push(await (await fetch(`${proxy.url}/api/chat`, { method: "POST", body: chat(false) })).text());
      const openai = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer ollama", "content-type": "application/json" },
        body: chat(false),
      });
      expect(openai.status).toBe(200);
      bodies.push(await openai.text());

      // Mid-stream failures name the upstream in their last line: without credentials.
      for (const path of ["/api/generate", "/api/chat"]) {
        const res = await fetch(`${proxy.url}${path}`, {
          method: "POST",
          headers: { "x-fake-drop-after-chunks": "1" },
          body: JSON.stringify({ model: "llama3.2", prompt: "one two three", ...JSON.parse(chat(true)) }),
        });
        const last = (await ndjsonLines(res)).at(-1);
        expect(String(last?.error)).toContain(`upstream Ollama at ${fake.url}`);
        bodies.push(JSON.stringify(last));
      }

      const seen = fake.requests.map((r) => `${r.path} ${r.headers.authorization === BASIC}`);
      expect(seen).toContain("/api/version true"); // the start-up probe and the pass-through
      expect(seen).toContain("/api/chat true");
      expect(seen.filter((s) => s.endsWith(" false"))).toEqual([]);
    } finally {
      bodies.push(await stopAndCollect(proxy));
    }
    for (const [i, text] of bodies.entries()) expectNoSecret(`output ${i}`, text);
  }, 20_000);

  test("an unreachable upstream: 502s, /health and the start-up warning name it without credentials", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const upstream = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const proxy = await spawnProxy({ args: ["--port", "0", "--ollama-url", withCredentials(upstream)] });
    const bodies: string[] = [];
    try {
      expect(
        (await logLine(proxy, "upstream not reachable yet; requests get 502 until it is")).upstream,
      ).toBe(upstream);
      for (const [method, path, body] of [
        ["POST", "/api/chat", chat(false)],
        ["POST", "/v1/chat/completions", chat(false)],
        ["GET", "/api/ps", undefined],
      ] as const) {
        const res = await fetch(`${proxy.url}${path}`, { method, body });
        const text = await res.text();
        expect([path, res.status]).toEqual([path, 502]);
        expect(text).toContain(`upstream Ollama at ${upstream} is unreachable`);
        bodies.push(text);
      }
      const health = await fetch(`${proxy.url}/health`);
      const healthText = await health.text();
      expect(health.status).toBe(503);
      expect(JSON.parse(healthText).upstream).toMatchObject({ url: upstream, reachable: false });
      bodies.push(healthText);
    } finally {
      bodies.push(await stopAndCollect(proxy));
    }
    for (const [i, text] of bodies.entries()) expectNoSecret(`output ${i}`, text);
  }, 20_000);
});
