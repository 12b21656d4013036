// Clients that stall or flood cannot hold the proxy: 408 for a stalled body, 503 past the per-client bound.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, eventually, startProxy } from "../helpers/proxy.ts";
import { type RawClient, rawClient, stalledPost, within } from "../helpers/raw-client.ts";

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(() => fake.stop());

const PARTIAL_CHAT = '{"model":"llama3.2","messages":[{"role":"user","content":"hel';

function bodyJson(client: RawClient): Record<string, unknown> {
  return JSON.parse(client.body());
}

describe("a request body that stops coming", () => {
  test.concurrent("native route: 408 in Ollama's envelope, the socket closed, nothing sent upstream", async () => {
    const proxy = await startProxy({ upstreamUrl: fake.url, settings: { bodyTimeoutMs: 300 } });
    try {
      const client = await stalledPost(proxy.url, "/api/chat", PARTIAL_CHAT);
      expect(await within(client.closed, 5000)).not.toBe("still waiting");
      expect(client.status()).toBe(408);
      expect(client.received()).toContain("Connection: close");
      // A small declared body must arrive whole within the limit (it is read in one native read).
      expect(bodyJson(client)).toEqual({
        error: `request body timed out: the client did not send its ${PARTIAL_CHAT.length + 1000}-byte body within 300 ms (BODY_TIMEOUT_MS)`,
      });
      const line = await eventually("access line", () =>
        accessLines(proxy).find((l) => l.path === "/api/chat"),
      );
      expect(line).toMatchObject({ status: 408, outcome: "error" });
      expect(fake.requests.some((r) => r.path === "/api/chat" && r.body === PARTIAL_CHAT)).toBe(false);
    } finally {
      await proxy.stop();
    }
  });

  test.concurrent("/v1 route: 408 in OpenAI's envelope", async () => {
    const proxy = await startProxy({ upstreamUrl: fake.url, settings: { bodyTimeoutMs: 300 } });
    try {
      const client = await stalledPost(proxy.url, "/v1/chat/completions", PARTIAL_CHAT);
      expect(await within(client.closed, 5000)).not.toBe("still waiting");
      expect(client.status()).toBe(408);
      const body = bodyJson(client) as { error: { message: string; type: string } };
      expect(body.error.message).toContain("BODY_TIMEOUT_MS");
      expect(body.error.type).toBe("api_error");
    } finally {
      await proxy.stop();
    }
  });

  test.concurrent("a streamed upload (blob) that stalls: 408, not a 502 about the upstream", async () => {
    const proxy = await startProxy({ upstreamUrl: fake.url, settings: { bodyTimeoutMs: 300 } });
    try {
      const digest = `sha256:${"ab".repeat(32)}`;
      const client = await stalledPost(proxy.url, `/api/blobs/${digest}`, "some bytes");
      expect(await within(client.closed, 5000)).not.toBe("still waiting");
      expect(client.status()).toBe(408);
      expect(String(bodyJson(client).error)).toContain("BODY_TIMEOUT_MS");
    } finally {
      await proxy.stop();
    }
  });

  /** Sends `body` in five pieces `gapMs` apart on a raw connection, with its Content-Length. */
  async function trickle(url: string, body: string, gapMs: number): Promise<RawClient> {
    const { host } = new URL(url);
    const client = await rawClient(
      url,
      `POST /api/chat HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const step = Math.ceil(body.length / 5);
    for (let at = 0; at < body.length; at += step) {
      await Bun.sleep(gapMs);
      client.write(body.slice(at, at + step));
    }
    return client;
  }

  const chatOf = (content: string) =>
    JSON.stringify({ model: "llama3.2", stream: false, messages: [{ role: "user", content }] });

  test.concurrent("a large body that keeps coming, slower in total than the limit, is answered", async () => {
    const proxy = await startProxy({ upstreamUrl: fake.url, settings: { bodyTimeoutMs: 300 } });
    try {
      // Over 64 KB, so only pauses count: five pieces 150 ms apart, 750 ms in all, never a 300 ms pause.
      const client = await trickle(proxy.url, chatOf("x".repeat(80 * 1024)), 150);
      expect(await within(client.closed, 5000)).not.toBe("still waiting");
      expect(client.status()).toBe(200);
      expect(bodyJson(client).done).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  test.concurrent("a small body that trickles in for longer than the limit in all gets 408", async () => {
    const proxy = await startProxy({ upstreamUrl: fake.url, settings: { bodyTimeoutMs: 300 } });
    try {
      const body = chatOf("hi");
      const client = await trickle(proxy.url, body, 150);
      expect(await within(client.closed, 5000)).not.toBe("still waiting");
      expect(client.status()).toBe(408);
      expect(String(bodyJson(client).error)).toContain(`its ${body.length}-byte body within 300 ms`);
    } finally {
      await proxy.stop();
    }
  });

  test.concurrent("300 stalled clients: /health/live answers while they stall, then each gets 408", async () => {
    const proxy = await startProxy({ upstreamUrl: fake.url, settings: { bodyTimeoutMs: 2000 } });
    try {
      const stalled = await Promise.all(
        Array.from({ length: 300 }, () => stalledPost(proxy.url, "/api/chat", PARTIAL_CHAT)),
      );
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${proxy.url}/health/live`);
        expect(res.status).toBe(200);
        expect(((await res.json()) as { status: string }).status).toBe("ok");
      }
      // The health checks were answered while every stalled client was still waiting.
      expect(stalled.filter((c) => c.received() !== "")).toHaveLength(0);
      expect(await within(Promise.all(stalled.map((c) => c.closed)), 10_000)).not.toBe("still waiting");
      expect(new Set(stalled.map((c) => c.status()))).toEqual(new Set([408]));
      expect(proxy.server.pendingRequests).toBe(0);
    } finally {
      await proxy.stop();
    }
  }, 20_000);
});

describe("requests in flight per client address", () => {
  test.concurrent("past the bound: 503 in each dialect; health checks pass; room again once they end", async () => {
    const proxy = await startProxy({
      upstreamUrl: fake.url,
      settings: { bodyTimeoutMs: 1000, maxRequestsPerClient: 3 },
    });
    try {
      const stalled = await Promise.all(
        [1, 2, 3].map(() => stalledPost(proxy.url, "/api/chat", PARTIAL_CHAT)),
      );
      await eventually("three requests in flight", () => proxy.server.pendingRequests === 3);

      const native = await fetch(`${proxy.url}/api/tags`);
      expect(native.status).toBe(503);
      expect(native.headers.get("retry-after")).toBe("1");
      expect(((await native.json()) as { error: string }).error).toContain("MAX_REQUESTS_PER_CLIENT is 3");

      const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "x", maxRetries: 0 });
      const refused = await openai.models.list().then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      expect((refused as Error).message).toContain("MAX_REQUESTS_PER_CLIENT");

      expect((await fetch(`${proxy.url}/health/live`)).status).toBe(200);

      await Promise.all(stalled.map((c) => c.closed));
      expect((await fetch(`${proxy.url}/api/tags`)).status).toBe(200);
    } finally {
      await proxy.stop();
    }
  });

  test.concurrent("a stream counts until its last byte", async () => {
    const proxy = await startProxy({ upstreamUrl: fake.url, settings: { maxRequestsPerClient: 1 } });
    try {
      const res = await fetch(`${proxy.url}/api/chat`, {
        method: "POST",
        headers: { "x-fake-chunk-delay-ms": "50" },
        body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "hi" }] }),
      });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      expect((await fetch(`${proxy.url}/api/tags`)).status).toBe(503);
      while (!(await reader.read()).done) {}
      await eventually("the stream's slot freed", () =>
        accessLines(proxy).some((l) => l.path === "/api/chat"),
      );
      expect((await fetch(`${proxy.url}/api/tags`)).status).toBe(200);
    } finally {
      await proxy.stop();
    }
  });
});
