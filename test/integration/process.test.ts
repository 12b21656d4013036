// The proxy as users run it: a real process, its start-up errors, concurrency, idle silence and stop.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { SETTINGS } from "../../src/config/settings.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually } from "../helpers/proxy.ts";
import { concurrentStreams, ROOT, spawnProxy } from "../helpers/spawn-proxy.ts";

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const chatBody = JSON.stringify({
  model: "llama3.2",
  messages: [{ role: "user", content: "one two three four five six" }],
});

describe("start-up", () => {
  test("a bad setting stops start-up with one line naming it, and a non-zero exit", async () => {
    for (const [args, env, expected] of [
      [["--port", "abc"], {}, 'invalid --port="abc": expected an integer from 0 to 65535'],
      [[], { OLLAMA_URL: "ftp://x" }, 'invalid OLLAMA_URL="ftp://x": expected an http or https URL'],
      [["--log-level", "loud"], {}, "expected one of debug, info, warn, error"],
      [["--nope"], {}, 'unknown option "--nope"'],
    ] as const) {
      const proc = Bun.spawnSync([process.execPath, "src/index.ts", ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env, BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" },
      });
      const stderr = proc.stderr.toString();
      expect(proc.exitCode).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toContain(expected);
      expect(stderr).not.toContain("    at ");
    }
  });

  test("a bad config file stops start-up with one line per problem, and SIGHUP reloads a good one", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "proxy-process-config-"));
    const file = path.join(dir, "proxy.yaml");
    try {
      writeFileSync(file, "port: 99999\nolama-url: x\n");
      const bad = Bun.spawnSync([process.execPath, "src/index.ts", "--config", file], {
        cwd: ROOT,
        env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" },
      });
      const lines = bad.stderr.toString().trim().split("\n");
      expect(bad.exitCode).toBe(2);
      expect(lines).toEqual([
        `ollama-smart-proxy: ${file}: port: 99999: expected an integer from 0 to 65535`,
        `ollama-smart-proxy: ${file}: olama-url: unknown key (did you mean "ollama-url"?)`,
      ]);

      writeFileSync(file, "model-aliases: { small: qwen3 }\n");
      const proxy = await spawnProxy({
        args: ["--config", file, "--port", "0", "--ollama-url", fake.url, "--agents-watch", "false"],
        env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" },
      });
      writeFileSync(file, "model-aliases: { small: qwen3, tiny: tinyllama }\n");
      proxy.proc.kill("SIGHUP");
      const reloaded = await eventually("the reload", () =>
        proxy.lines.find((l) => l.msg === "config reloaded"),
      );
      expect(reloaded.applied).toEqual(["model-aliases"]);
      const view = (await (await fetch(`${proxy.url}/config`)).json()) as {
        settings: Record<string, { value: unknown }>;
      };
      expect(view.settings["model-aliases"]?.value).toEqual({ small: "qwen3", tiny: "tinyllama" });
      expect(await proxy.stop()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--help lists every setting with its flag, variable and default", () => {
    const proc = Bun.spawnSync([process.execPath, "src/index.ts", "--help"], { cwd: ROOT });
    const out = proc.stdout.toString();
    expect(proc.exitCode).toBe(0);
    for (const s of Object.values(SETTINGS)) {
      expect(out).toContain(s.flag);
      expect(out).toContain(s.env);
    }
    expect(out).toContain("default 11480");
  });
});

describe("concurrency", () => {
  test("300 concurrent streams are all open upstream at once (no silent cap at 256)", async () => {
    const proxy = await spawnProxy({
      args: ["--port", "0", "--ollama-url", fake.url, "--access-log", "false"],
    });
    try {
      expect(proxy.listening.fetchLimit).toBe("65535");
      const result = await concurrentStreams(proxy.url, 300, {
        "x-fake-chunk-delay-ms": "400",
        "x-fake-chunks": "4",
      });
      expect(result.errors).toEqual([]);
      expect(result.completed).toBe(300);
      expect(fake.peakOpenRequests).toBeGreaterThanOrEqual(300);
    } finally {
      await proxy.stop();
    }
  }, 30_000);
});

describe("graceful stop", () => {
  test("SIGTERM: new connections refused, the stream in flight finishes, exit 0", async () => {
    const proxy = await spawnProxy({ args: ["--port", "0", "--ollama-url", fake.url] });
    const res = await fetch(`${proxy.url}/api/chat`, {
      method: "POST",
      body: chatBody,
      headers: { "x-fake-chunk-delay-ms": "150" },
    });
    const reader = res.body!.getReader();
    await reader.read();
    proxy.proc.kill("SIGTERM");
    await Bun.sleep(100);
    const refused = await fetch(`${proxy.url}/health/live`).then(
      () => "answered",
      () => "refused",
    );
    expect(refused).toBe("refused");
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text.trim().split("\n").at(-1)).toContain('"done":true');
    expect(await proxy.proc.exited).toBe(0);
  });

  test("streams still running when the grace period ends get a last error frame saying why; exit 0", async () => {
    const proxy = await spawnProxy({
      args: ["--port", "0", "--ollama-url", fake.url, "--shutdown-grace", "1"],
    });
    const slow = { "x-fake-chunk-delay-ms": "2000" };
    const native = await fetch(`${proxy.url}/api/chat`, { method: "POST", body: chatBody, headers: slow });
    const openai = new OpenAI({
      baseURL: `${proxy.url}/v1`,
      apiKey: "x",
      maxRetries: 0,
      defaultHeaders: slow,
    });
    const sse = await openai.chat.completions.create({
      model: "llama3.2",
      messages: [{ role: "user", content: "one two three four five six" }],
      stream: true,
    });
    const sseIterator = sse[Symbol.asyncIterator]();
    await sseIterator.next();
    const reader = (native.body as ReadableStream<Uint8Array>).getReader();
    let text = new TextDecoder().decode((await reader.read()).value);
    const stoppedAt = performance.now();
    proxy.proc.kill("SIGTERM");
    const sseFailure = (async () => {
      for (let r = await sseIterator.next(); !r.done; r = await sseIterator.next()) {}
      return "finished";
    })().catch((err: Error) => err);
    for (let r = await reader.read(); !r.done; r = await reader.read())
      text += new TextDecoder().decode(r.value);
    const why =
      "the proxy is shutting down and the 1 s grace period (SHUTDOWN_GRACE) is over: this response was cut short";
    expect(JSON.parse(text.trim().split("\n").at(-1) as string)).toEqual({ error: why });
    const failure = await sseFailure;
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toContain(why);
    expect(await proxy.proc.exited).toBe(0);
    expect(performance.now() - stoppedAt).toBeLessThan(3000);
    expect(
      proxy.lines.some(
        (l) => l.msg === "grace period over: ending the remaining streams and closing connections",
      ),
    ).toBe(true);
  });
});

describe("long silence", () => {
  test("the defaults survive an upstream silent for 12 s (Bun.serve's 10 s idle cut, fetch's idle timer)", async () => {
    // BUN_CONFIG_HTTP_IDLE_TIMEOUT lowers Bun fetch's default idle timeout (5 min) to a few seconds, so
    // this finishes only because the proxy disables that timer for upstream calls; Bun.serve's own
    // default (10 s) is lifted per request by the proxy.
    const proxy = await spawnProxy({
      args: ["--port", "0", "--ollama-url", fake.url, "--progress-native", "none"],
      env: { BUN_CONFIG_HTTP_IDLE_TIMEOUT: "2" },
    });
    try {
      // A GET, because Bun's idle timer leaves requests with a sent body alone.
      const res = await fetch(`${proxy.url}/api/tags`, {
        headers: { "x-fake-first-byte-delay-ms": "12000" },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("llama3.2:latest");
    } finally {
      await proxy.stop();
    }
  }, 30_000);
});
