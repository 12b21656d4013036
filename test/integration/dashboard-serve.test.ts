// GET /ui without a browser: the page and its bundled assets under the base path, behind the same Host and Origin rules as the API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
const base = "/prefix";

beforeAll(async () => {
  fake = startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url, settings: { basePath: base }, waitForAgents: false });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

const assetsOf = (html: string) =>
  [...html.matchAll(/(?:src|href)="([^"]+\/ui\/assets\/[^"]+)"/g)].map((m) => m[1] ?? "");

describe("the dashboard is served by the proxy", () => {
  test("the page under the base path names its script and style there, and both load", async () => {
    const res = await fetch(`${proxy.url}${base}/ui`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/html");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const html = await res.text();
    const assets = assetsOf(html);
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
    // No reference outside the proxy: everything is bundled.
    expect(html).not.toMatch(/(?:src|href)="https?:/);
    for (const asset of assets) {
      expect(asset.startsWith(`${base}/ui/assets/`)).toBe(true);
      const a = await fetch(`${proxy.url}${asset}`);
      expect(a.status).toBe(200);
      expect(a.headers.get("cache-control")).toContain("immutable");
      expect((await a.text()).length).toBeGreaterThan(100);
    }
    // Nothing reached the upstream: the dashboard is the proxy's own.
    expect(fake.requests.filter((r) => r.path.includes("/ui"))).toHaveLength(0);
  });

  test("a second visit with the page's ETag gets 304; an unknown asset 404", async () => {
    const first = await fetch(`${proxy.url}${base}/ui/`);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    const again = await fetch(`${proxy.url}${base}/ui`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const missing = await fetch(`${proxy.url}${base}/ui/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "no such dashboard file" });
  });

  test("outside the base path there is no dashboard", async () => {
    expect((await fetch(`${proxy.url}/ui`)).status).toBe(404);
  });

  test("a foreign Host or Origin is refused as the API refuses it (DNS rebinding, cross-site pages)", async () => {
    const host = await fetch(`${proxy.url}${base}/ui`, { headers: { host: "evil.example" } });
    expect(host.status).toBe(403);
    const origin = await fetch(`${proxy.url}${base}/ui`, { headers: { origin: "https://evil.example" } });
    expect(origin.status).toBe(403);
  });

  test("the dashboard's actions cannot be forged by another site: a cross-site form post is refused before the upstream", async () => {
    // What a form or a no-cors fetch on another site sends: no preflight, text/plain, its Origin.
    const before = fake.requests.length;
    const res = await fetch(`${proxy.url}${base}/api/delete`, {
      method: "DELETE",
      headers: { origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ model: "llama3.2:latest" }),
    });
    expect(res.status).toBe(403);
    const pull = await fetch(`${proxy.url}${base}/api/pull`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ model: "tinyllama" }),
    });
    expect(pull.status).toBe(403);
    expect(fake.requests.length).toBe(before);
  });
});
