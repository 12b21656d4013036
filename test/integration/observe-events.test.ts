// GET /events: request records without bodies, pull progress, model loads, agent reloads; a
// subscriber that stops reading is dropped and nothing else notices.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({ upstreamUrl: fake.url, settings: { eventsBuffer: 16 } });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** A subscriber that reads everything; `until` resolves with the events once `pred` holds. */
async function subscribe() {
  const controller = new AbortController();
  const res = await fetch(`${proxy.url}/events`, { signal: controller.signal });
  expect(res.headers.get("content-type")).toStartWith("text/event-stream");
  const events: SseEvent[] = [];
  let text = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      let at = text.indexOf("\n\n");
      while (at !== -1) {
        const frame = text.slice(0, at);
        text = text.slice(at + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
        at = text.indexOf("\n\n");
      }
    }
  })().catch(() => {});
  return {
    events,
    async until(pred: (events: SseEvent[]) => boolean, ms = 5000) {
      const end = Date.now() + ms;
      while (!pred(events)) {
        if (Date.now() > end) throw new Error(`not seen in time: ${events.map((e) => e.event).join(", ")}`);
        await Bun.sleep(10);
      }
      return events;
    },
    async close() {
      controller.abort();
      await reading;
    },
  };
}

test("a chat shows as request started and finished, with the record and no bodies", async () => {
  const sub = await subscribe();
  const res = await fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: { "x-fake-prompt-eval-count": "9", "x-fake-eval-count": "4", "x-request-id": "evt-1" },
    body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "secret words here" }] }),
  });
  const answer = await res.text();
  const events = await sub.until((all) => all.some((e) => e.event === "request.finished" && e.data.record));
  await sub.close();
  const started = events.find((e) => e.event === "request.started" && e.data.id === "evt-1");
  expect(started?.data).toMatchObject({ method: "POST", route: "/api/chat", dialect: "ollama" });
  const finished = events.find(
    (e) => e.event === "request.finished" && (e.data.record as { id?: string }).id === "evt-1",
  );
  expect(finished?.data.record).toMatchObject({
    status: 200,
    outcome: "ok",
    inputTokens: 9,
    outputTokens: 4,
  });
  // The fake echoes the prompt word by word: the answer had the words, the events have none.
  expect(answer).toContain('"content":" secret"');
  expect(JSON.stringify(events)).not.toContain("secret");
});

test("pull progress and its end, a model load, and an agents reload", async () => {
  const sub = await subscribe();
  const pull = await fetch(`${proxy.url}/api/pull`, {
    method: "POST",
    body: JSON.stringify({ model: "tinyllama" }),
  });
  await pull.text();
  await fetch(`${proxy.url}/api/generate`, {
    method: "POST",
    body: JSON.stringify({ model: "tinyllama", prompt: "" }),
  }).then((r) => r.text());
  await proxy.composed.registry.reload();
  const events = await sub.until(
    (all) =>
      all.some((e) => e.event === "pull.finished") &&
      all.some((e) => e.event === "model.loaded") &&
      all.some((e) => e.event === "agents.reloaded"),
  );
  await sub.close();
  expect(events.some((e) => e.event === "pull.progress" && e.data.model === "tinyllama")).toBe(true);
  expect(events.find((e) => e.event === "pull.finished")?.data).toMatchObject({
    model: "tinyllama",
    outcome: "ok",
  });
  const reloaded = events.find((e) => e.event === "agents.reloaded")?.data.loaded as string[] | undefined;
  expect(reloaded?.length).toBeGreaterThan(0);
  const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
  expect(metrics).toMatch(/proxy_pulls_total\{model="tinyllama[^"]*",outcome="ok"\} 1/);
});

test("a subscriber that stops reading is dropped; requests and a reading subscriber carry on", async () => {
  const reader = await subscribe();
  // A raw socket that subscribes and then never reads: its TCP buffers fill, then its queue.
  const stalled = connect(proxy.port, "127.0.0.1");
  await new Promise<void>((resolve) => stalled.once("connect", () => resolve()));
  stalled.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  let received = 0;
  stalled.on("data", (d) => {
    received += d.length;
    if (received > 0) stalled.pause();
  });
  await waitFor(() => received > 0 && proxy.composed.events.size === 2);
  const dropped = () => metric("proxy_event_subscribers_dropped_total");
  const before = await dropped();
  // Big events, a few per tick: the reader keeps up, the stalled socket cannot.
  const pad = "x".repeat(16 * 1024);
  for (let i = 0; i < 2000 && (await dropped()) === before; i++) {
    for (let k = 0; k < 4; k++)
      proxy.composed.events.publish({ type: "agent.failed", file: `f${i}`, error: pad });
    await Bun.sleep(1);
  }
  expect(await dropped()).toBe(before + 1);
  const res = await fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "still here" }] }),
  });
  expect(res.status).toBe(200);
  await res.text();
  await reader.until((all) => all.some((e) => e.event === "request.finished"));
  expect(proxy.composed.events.size).toBe(1);
  await reader.close();
  stalled.destroy();
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${proxy.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}
