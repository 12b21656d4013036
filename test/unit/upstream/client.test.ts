// The upstream client with an injected fetch: what it sends and how it fails.
import { describe, expect, test } from "bun:test";
import { ProxyError } from "../../../src/errors.ts";
import { createUpstreamClient, type FetchLike } from "../../../src/upstream/client.ts";

function recording(answer: () => Response | Promise<Response>) {
  const calls: Array<{ url: string; init: Parameters<FetchLike>[1]; headers: Headers }> = [];
  const fetch: FetchLike = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(input instanceof Request ? input.headers : init?.headers);
    calls.push({ url, init, headers });
    return answer();
  };
  return { calls, fetch };
}

describe("upstream client", () => {
  test("sends the upstream's own Host, keeps the path prefix, and disables Bun's idle timeout", async () => {
    const rec = recording(() => Response.json({ version: "1" }));
    const client = createUpstreamClient({
      baseUrl: "http://gpu:11434/ollama",
      idleTimeoutMs: 0,
      fetch: rec.fetch,
    });
    await client.json("/api/version");
    expect(rec.calls[0]?.url).toBe("http://gpu:11434/ollama/api/version");
    expect(rec.calls[0]?.headers.get("host")).toBe("gpu:11434");
    expect(rec.calls[0]?.init?.timeout).toBe(false);
    expect(rec.calls[0]?.init?.redirect).toBe("manual");
  });

  test("a configured idle timeout is passed to fetch in milliseconds", async () => {
    const rec = recording(() => Response.json({}));
    await createUpstreamClient({ baseUrl: "http://h:1", idleTimeoutMs: 5000, fetch: rec.fetch }).call("/x");
    expect(rec.calls[0]?.init?.timeout).toBe(5000);
  });

  test("forward drops hop-by-hop headers and Origin, rewrites Host, keeps the rest", async () => {
    const rec = recording(() => new Response("ok"));
    const client = createUpstreamClient({
      baseUrl: "http://127.0.0.1:11434",
      idleTimeoutMs: 0,
      fetch: rec.fetch,
    });
    const req = new Request("http://proxy.lan:11480/api/tags?x=1", {
      headers: {
        host: "proxy.lan:11480",
        connection: "keep-alive, x-drop",
        "x-drop": "1",
        origin: "http://a",
        "x-keep": "2",
      },
    });
    await client.forward(req, "/api/tags?x=1");
    const sent = rec.calls[0]?.headers;
    expect(sent?.get("host")).toBe("127.0.0.1:11434");
    expect(sent?.get("x-drop")).toBeNull();
    expect(sent?.get("origin")).toBeNull();
    expect(sent?.get("x-keep")).toBe("2");
    expect(rec.calls[0]?.url).toBe("http://127.0.0.1:11434/api/tags?x=1");
  });

  test("network failures become 502s naming the upstream; Ollama's errors keep status and text", async () => {
    const refused: FetchLike = async () => {
      throw Object.assign(new Error("Unable to connect"), { code: "ECONNREFUSED" });
    };
    const down = createUpstreamClient({ baseUrl: "http://h:1", idleTimeoutMs: 0, fetch: refused });
    const err = await down.call("/api/tags").catch((e) => e);
    expect(err).toBeInstanceOf(ProxyError);
    expect([err.status, err.message]).toEqual([
      502,
      "upstream Ollama at http://h:1 is unreachable: connection refused",
    ]);

    const rec = recording(() => Response.json({ error: "model 'x' not found" }, { status: 404 }));
    const up = createUpstreamClient({ baseUrl: "http://h:1", idleTimeoutMs: 0, fetch: rec.fetch });
    const notFound = (await up.json("/api/show", { payload: { model: "x" } }).catch((e) => e)) as ProxyError;
    expect([notFound.status, notFound.message, notFound.origin]).toEqual([
      404,
      "model 'x' not found",
      "upstream",
    ]);
  });

  describe("credentials", () => {
    const basic = "Basic YWxpY2U6cEBzcw=="; // alice:p@ss

    test("call, json and forward all send the configured Authorization, replacing the client's", async () => {
      const rec = recording(() => Response.json({}));
      const client = createUpstreamClient({
        baseUrl: "http://h:1",
        auth: basic,
        idleTimeoutMs: 0,
        fetch: rec.fetch,
      });
      await client.call("/api/chat", {
        method: "POST",
        headers: { authorization: "Bearer ollama" },
        body: "{}",
      });
      await client.json("/api/version");
      await client.forward(
        new Request("http://proxy/v1/models", { headers: { authorization: "Bearer sk-x" } }),
        "/v1/models",
      );
      expect(rec.calls.map((c) => c.headers.get("authorization"))).toEqual([basic, basic, basic]);
    });

    test("without credentials the client's own Authorization passes through", async () => {
      const rec = recording(() => new Response("ok"));
      const client = createUpstreamClient({
        baseUrl: "https://ollama.com:443",
        idleTimeoutMs: 0,
        fetch: rec.fetch,
      });
      await client.forward(
        new Request("http://proxy/api/tags", { headers: { authorization: "Bearer key" } }),
        "/api/tags",
      );
      await client.call("/api/tags");
      expect(rec.calls.map((c) => c.headers.get("authorization"))).toEqual(["Bearer key", null]);
    });

    test("credentials left in baseUrl are split off: used as Basic, absent from the URL and messages", async () => {
      const rec = recording(() => Response.json({}));
      const client = createUpstreamClient({
        baseUrl: "http://alice:p%40ss@h:1/x",
        idleTimeoutMs: 0,
        fetch: rec.fetch,
      });
      await client.call("/api/tags");
      expect(client.baseUrl).toBe("http://h:1/x");
      expect(rec.calls[0]?.url).toBe("http://h:1/x/api/tags");
      expect(rec.calls[0]?.headers.get("authorization")).toBe(basic);

      const refused: FetchLike = async () => {
        throw Object.assign(new Error("Unable to connect"), { code: "ECONNREFUSED" });
      };
      const down = createUpstreamClient({
        baseUrl: "http://alice:p%40ss@h:1",
        idleTimeoutMs: 0,
        fetch: refused,
      });
      const err = (await down.call("/api/tags").catch((e) => e)) as ProxyError;
      expect(err.message).toBe("upstream Ollama at http://h:1 is unreachable: connection refused");
    });
  });
});
