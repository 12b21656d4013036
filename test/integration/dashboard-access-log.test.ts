// The dashboard's own polls (GETs with x-dashboard: 1) are logged at debug, still counted in /metrics
// and marked on the event stream; everything else, actions sent with the header included, at info.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
beforeAll(async () => {
  fake = startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url, waitForAgents: false });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

const MARK = { "x-dashboard": "1" };
const levelOf = (id: string) => accessLines(proxy).find((l) => l.requestId === id)?.level;
const get = (path: string, id: string, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}${path}`, { headers: { "x-request-id": id, ...headers } }).then((r) => r.text());

test("the dashboard's reads are at debug, the same reads from another client and any action at info", async () => {
  await get("/metrics", "dash-metrics", MARK);
  await get("/health", "dash-health", MARK);
  await get("/api/tags", "dash-tags", MARK);
  await get("/metrics", "scraper", {});
  await get("/api/tags", "ollama-list", {});
  // A chat from the playground is a user's request, whatever it carries.
  await fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: { ...MARK, "x-request-id": "dash-chat" },
    body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "hi" }], stream: false }),
  }).then((r) => r.text());
  // Only the value 1 marks a read.
  await get("/health", "other-value", { "x-dashboard": "yes" });
  await eventually("every access line written", () => levelOf("other-value"));
  expect(levelOf("dash-metrics")).toBe("debug");
  expect(levelOf("dash-health")).toBe("debug");
  expect(levelOf("dash-tags")).toBe("debug");
  expect(levelOf("scraper")).toBe("info");
  expect(levelOf("ollama-list")).toBe("info");
  expect(levelOf("dash-chat")).toBe("info");
  expect(levelOf("other-value")).toBe("info");
  // The line at debug is the whole line: at LOG_LEVEL=debug nothing is missing from it.
  const line = accessLines(proxy).find((l) => l.requestId === "dash-tags");
  expect(line).toMatchObject({ method: "GET", path: "/api/tags", status: 200 });
});

test("the dashboard's reads are still requests the proxy served: counted in /metrics", async () => {
  const count = async () => {
    const text = await get("/metrics", "count", {});
    return Number(/^proxy_requests_total\{[^}]*route="\/health"[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 0);
  };
  const before = await count();
  await get("/health", "dash-health-2", MARK);
  await get("/health", "probe-health", {});
  expect(await count()).toBe(before + 2);
});

test("the event stream marks the dashboard's reads, so its live tail hides them and nobody else's", async () => {
  const controller = new AbortController();
  const res = await fetch(`${proxy.url}/events`, { signal: controller.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })().catch(() => {});
  await get("/api/ps", "dash-ps", MARK);
  await get("/api/ps", "client-ps", {});
  const events = () =>
    text
      .split("\n\n")
      .map((frame) => /^data: (.*)$/m.exec(frame)?.[1])
      .filter((d): d is string => !!d)
      .map(
        (d) => JSON.parse(d) as { type: string; id?: string; record?: { id: string; dashboard?: boolean } },
      );
  const finished = (id: string) => events().find((e) => e.type === "request.finished" && e.record?.id === id);
  await eventually("both finished", () => finished("dash-ps") && finished("client-ps"));
  controller.abort();
  await reading;
  const started = (id: string) => events().find((e) => e.type === "request.started" && e.id === id);
  expect(started("dash-ps")).toMatchObject({ dashboard: true });
  expect(finished("dash-ps")?.record).toMatchObject({ dashboard: true });
  expect(started("client-ps")).not.toHaveProperty("dashboard");
  expect(finished("client-ps")?.record).not.toHaveProperty("dashboard");
});
