// CORS with Ollama's rules, and serving under a path prefix (both clients support one).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url, settings: { corsOrigins: ["https://app.example.com"] } });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

describe("CORS", () => {
  test("an allowed origin is echoed, and Origin is not passed upstream", async () => {
    fake.reset();
    const res = await fetch(`${proxy.url}/api/tags`, { headers: { origin: "http://localhost:3000" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(fake.requestsTo("/api/tags")[0]?.headers.origin).toBeUndefined();
  });

  test("an origin from CORS_ORIGINS is allowed even though Ollama itself would refuse it", async () => {
    const res = await fetch(`${proxy.url}/api/tags`, { headers: { origin: "https://app.example.com" } });
    expect(res.status).toBe(200);
    const direct = await fetch(`${fake.url}/api/tags`, { headers: { origin: "https://app.example.com" } });
    expect(direct.status).toBe(403);
  });

  test("a foreign origin gets 403 with an empty body, also on proxy-owned routes", async () => {
    for (const path of ["/api/tags", "/health/live"]) {
      const res = await fetch(`${proxy.url}${path}`, { headers: { origin: "https://evil.example" } });
      expect(res.status).toBe(403);
      expect(await res.text()).toBe("");
    }
  });

  test("a preflight gets 204 with Ollama's header list", async () => {
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")).toContain("X-Stainless-Os");
  });

  test("a preflight for the Anthropic SDK in a browser allows its headers", async () => {
    const res = await fetch(`${proxy.url}/v1/messages`, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers":
          "x-api-key,anthropic-version,anthropic-dangerous-direct-browser-access",
      },
    });
    expect(res.status).toBe(204);
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(",");
    for (const h of ["x-api-key", "anthropic-version", "anthropic-dangerous-direct-browser-access"])
      expect(allowed).toContain(h);
  });
});

describe("path prefix", () => {
  test("PROXY_BASE_PATH serves the API under a prefix for both clients", async () => {
    const prefixed = await startProxy({ upstreamUrl: fake.url, settings: { basePath: "/ollama" } });
    try {
      const ollama = new Ollama({ host: `${prefixed.url}/ollama` });
      expect((await ollama.list()).models.length).toBeGreaterThan(0);
      const chat = await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "hi" }] });
      expect(chat.message.content).toBe("You said: hi");
      const openai = new OpenAI({ baseURL: `${prefixed.url}/ollama/v1`, apiKey: "x" });
      expect((await openai.models.list()).data.length).toBeGreaterThan(0);
      expect((await fetch(`${prefixed.url}/ollama/health/live`)).status).toBe(200);
      const outside = await fetch(`${prefixed.url}/api/tags`);
      expect([outside.status, await outside.text()]).toEqual([404, "404 page not found"]);
    } finally {
      await prefixed.stop();
    }
  });

  test("an upstream URL with a path prefix keeps it", async () => {
    fake.reset();
    const behind = await startProxy({ upstreamUrl: `${fake.url}/under/here` });
    try {
      await fetch(`${behind.url}/api/tags`);
      expect(fake.requests.at(-1)?.path).toBe("/under/here/api/tags");
    } finally {
      await behind.stop();
    }
  });
});

describe("health", () => {
  test("/health reports the upstream; 503 when it is down; /health/live never touches it", async () => {
    const res = await fetch(`${proxy.url}/health`);
    const body = (await res.json()) as {
      status: string;
      upstream: { reachable: boolean; version: string; latencyMs: number };
    };
    expect(res.status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.upstream).toMatchObject({ reachable: true, version: "0.12.6" });
    expect(typeof body.upstream.latencyMs).toBe("number");

    const down = await startProxy({ upstreamUrl: "http://127.0.0.1:9" });
    try {
      const bad = await fetch(`${down.url}/health`);
      expect(bad.status).toBe(503);
      expect(((await bad.json()) as { status: string }).status).toBe("unavailable");
      fake.reset();
      const live = await startProxy({ upstreamUrl: fake.url });
      expect((await fetch(`${live.url}/health/live`)).status).toBe(200);
      expect(fake.requests).toHaveLength(0);
      await live.stop();
    } finally {
      await down.stop();
    }
  });
});
