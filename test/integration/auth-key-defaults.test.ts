// The config file's key-defaults with AUTH=keys: every key gets them for what its own policy leaves
// unset, its own values win, and an edited file counts for a running proxy within two seconds.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Ollama } from "ollama";
import { runKeysCommand } from "../../src/auth/cli.ts";
import { createFromOptions } from "../../src/auth/index.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let dir: string;
let file: string;

const settings = (defaults: string) =>
  `auth: keys\ndatabase-url: ${path.join(dir, "keys.sqlite")}\nkey-defaults:\n${defaults}`;
/** Written as editors write: a new file renamed over the old one. */
function edit(text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "osp-key-defaults-"));
  file = path.join(dir, "proxy.yaml");
  fake = startFakeOllama();
  writeFileSync(file, settings("  rpm: 3\n  models: [llama3*]\n"));
  // The production pacing (keys reloaded every second, the file read 200 ms after it changes; only
  // usage is written sooner than every 2 s):
  // the two-second promise is measured as a user meets it.
  proxy = await startProxy({ upstreamUrl: fake.url, configFile: file, tuning: { auth: { flushMs: 100 } } });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

const chat = (key: string, model = "llama3.2") =>
  fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], stream: false }),
  });
/** The first request the key is known for (requests refused with 401 are not counted against it). */
const known = (key: string) =>
  eventually("the key to be loaded", async () => (await chat(key)).status !== 401, 3000);

test("a key without its own rpm and models gets the file's; a key's own values win; edits apply live", async () => {
  // The per-minute window must not turn over in the middle of the checks.
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 50_000) await Bun.sleep(60_100 - intoMinute);
  const store = proxy.composed.auth?.store ?? (null as never);
  const plain = (await createFromOptions(store, { name: "plain" })).key;
  const own = (await createFromOptions(store, { name: "own", rpm: 5, models: "qwen3*" })).key;
  const admin = (await createFromOptions(store, { name: "admin", admin: true, rpm: 1000 })).key;
  // plain: the file's rpm of 3 (counting the request `known` made) and the file's models.
  await known(plain);
  const refused = await chat(plain, "qwen3");
  expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([
    403,
    "key 'plain' may not use model 'qwen3'",
  ]);
  expect((await chat(plain)).status).toBe(200);
  const limited = await chat(plain);
  expect(limited.status).toBe(429);
  expect(limited.headers.get("retry-after")).toBeTruthy();
  expect(((await limited.json()) as { error: string }).error).toContain("3 requests per minute");
  // own: its rpm of 5 and its globs, whatever the file says (`known` asked for llama3.2: a 403).
  expect(await known(own)).toBe(true);
  expect((await chat(own)).status).toBe(403);
  for (let i = 0; i < 3; i++) expect((await chat(own, "qwen3")).status).toBe(200);
  expect((await chat(own, "qwen3")).status).toBe(429);
  const ollama = new Ollama({ host: proxy.url, headers: { Authorization: `Bearer ${admin}` } });
  expect((await ollama.list()).models.map((m) => m.name)).not.toContain("qwen3:latest");

  // The file edited: plain may now make 6 a minute, and any model; own keeps its own.
  const edited = performance.now();
  edit(settings("  rpm: 6\n"));
  await eventually("the edited rpm to apply", async () => (await chat(plain)).status === 200, 2000);
  const tookMs = performance.now() - edited;
  expect(tookMs).toBeLessThan(2000);
  expect((await chat(plain, "qwen3")).status).toBe(200);
  // own's 5 a minute stay its limit: the file's 6 does not lift it.
  expect((await chat(own, "qwen3")).status).toBe(429);
  const config = (await (
    await fetch(`${proxy.url}/config`, { headers: { authorization: `Bearer ${admin}` } })
  ).json()) as { settings: Record<string, { value: unknown; source: string; live: boolean }> };
  expect(config.settings["key-defaults"]).toMatchObject({ value: { rpm: 6 }, source: "file", live: true });
  // /admin and `keys list` show each key as it is held to now, and which fields the file gave it.
  const listed = (await (
    await fetch(`${proxy.url}/admin/keys`, { headers: { authorization: `Bearer ${admin}` } })
  ).json()) as { keys: Array<Record<string, unknown>> };
  expect(listed.keys.find((k) => k.name === "plain")).toMatchObject({
    policy: {},
    effective: { rpm: 6 },
    summary: "rpm=6 (from key-defaults: rpm)",
  });
  expect(listed.keys.find((k) => k.name === "own")).toMatchObject({
    effective: { rpm: 5, models: ["qwen3*"] },
    summary: "models=qwen3* rpm=5",
  });
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: () => {} };
  expect(await runKeysCommand(["list", "--config", file], {}, dir, io)).toBe(0);
  expect(out.find((l) => l.startsWith("plain "))).toContain("rpm=6 (from key-defaults: rpm)");
  expect(
    proxy.logs.some((l) => l.msg === "config reloaded" && String(l.applied).includes("key-defaults")),
  ).toBe(true);
  // Up to 10 s waiting for a fresh minute, then a few seconds of requests and reloads.
}, 20_000);

test("a key-defaults map the proxy cannot use is refused at reload, naming the field; the old one stays", async () => {
  const admin = (
    await createFromOptions(proxy.composed.auth?.store ?? (null as never), { name: "a2", admin: true })
  ).key;
  edit(settings("  rmp: 6\n"));
  const line = await eventually("the refusal to be logged", () =>
    proxy.logs.find((l) => l.msg === "config change refused; the configuration in force stays"),
  );
  expect(JSON.stringify(line)).toContain("unknown field rmp");
  await known(admin);
  const config = (await (
    await fetch(`${proxy.url}/config`, { headers: { authorization: `Bearer ${admin}` } })
  ).json()) as { settings: Record<string, { value: unknown }> };
  expect(config.settings["key-defaults"]?.value).toEqual({ rpm: 6 });
});

test("a daily budget the file adds counts what the key used today before the edit", async () => {
  const store = proxy.composed.auth?.store ?? (null as never);
  // Its own rpm: the requests made while waiting for the budget are not refused for another reason.
  const spender = (await createFromOptions(store, { name: "spender", rpm: 1000 })).key;
  await known(spender);
  // Usage reaches the store in batches: the budget is judged on what it holds.
  await eventually(
    "the usage to be written",
    async () => (await store.usage("2000-01-01", "spender")).some((r) => r.outputTokens > 0),
    5000,
  );
  const reloads = proxy.logs.filter((l) => l.msg === "config reloaded").length;
  edit(settings("  rpm: 6\n  budget-tokens-per-day: 3\n"));
  await eventually(
    "the edit to apply",
    () => proxy.logs.filter((l) => l.msg === "config reloaded").length > reloads,
  );
  // Once the keys are reloaded (every second), the very first request is over budget: without the
  // stored usage it would pass and only the next one would be refused.
  await Bun.sleep(1100);
  const refused = await chat(spender);
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as { error: string }).error).toContain("daily budget of 3 tokens used up");
});
