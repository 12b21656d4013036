// The fleet edited in the config file while the proxy runs: a server added is listed and used, a
// server removed takes no new requests but finishes the one it is streaming.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ollama } from "ollama";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

let a: FakeOllama;
let b: FakeOllama;
let proxy: TestProxy;
let dir: string;

beforeAll(() => {
  a = startFakeOllama({ models: [{ name: "llama3.2:latest", capabilities: ["completion"] }] });
  b = startFakeOllama({ models: [{ name: "qwen3:latest", capabilities: ["completion"] }] });
});
afterEach(async () => {
  await proxy?.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await Promise.all([a.stop(), b.stop()]);
});

const fleetYaml = (servers: FakeOllama[]) =>
  `upstreams:\n${servers.map((s) => `  - name: ${s === a ? "a" : "b"}\n    url: ${s.url}\n`).join("")}`;

test("servers added and removed in the config file join and leave the fleet live", async () => {
  dir = mkdtempSync(path.join(tmpdir(), "proxy-fleet-"));
  const file = path.join(dir, "proxy.yaml");
  const edit = (text: string) => {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };
  writeFileSync(file, fleetYaml([a]));
  proxy = await startProxy({ upstreamUrl: a.url, configFile: file, tuning: { configReloadDebounceMs: 20 } });
  const ollama = new Ollama({ host: proxy.url });
  const names = async () => (await ollama.list()).models.map((m) => m.name).sort();
  expect(await names()).toEqual(["llama3.2:latest"]);

  edit(fleetYaml([a, b]));
  await eventually("b joins", async () => (await names()).length === 2);
  expect((await ollama.chat({ model: "qwen3", messages: [{ role: "user", content: "hi" }] })).done).toBe(
    true,
  );
  expect(b.requestsTo("/api/chat").length).toBe(1);

  // A stream running on a when a is removed ends whole.
  const running = fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: { "x-fake-chunk-delay-ms": "40", "x-fake-chunks": "8" },
    body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "hi" }] }),
  });
  await a.waitForRequest((r) => r.path === "/api/chat");
  edit(fleetYaml([b]));
  await eventually("a leaves", async () => (await names()).join() === "qwen3:latest");
  const res = await running;
  const lines = (await res.text()).trim().split("\n");
  expect(JSON.parse(lines.at(-1) as string).done).toBe(true);
  expect(proxy.logs.some((l) => l.msg === "fleet changed")).toBe(true);
});
