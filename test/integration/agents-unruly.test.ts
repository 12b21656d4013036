// Agents that misbehave while loading or serving: the proxy starts at once, keeps answering every
// other request, reports them in /plugins, and fails only their own requests with a clear error.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { Ollama } from "ollama";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

const UNRULY = path.resolve(import.meta.dir, "../fixtures/agents-unruly");
const IMPORT_TIMEOUT_MS = 1500;

interface PluginsBody {
  loaded: number;
  failed: number;
  loading: number;
  agents: Array<{ name: string | null; status: string; file: string; error?: string }>;
}

let fake: FakeOllama;
let proxy: TestProxy;
let startedInMs: number;

beforeAll(async () => {
  fake = await startFakeOllama();
  const t0 = performance.now();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { agentsDir: UNRULY, agentImportTimeoutMs: IMPORT_TIMEOUT_MS },
    waitForAgents: false,
  });
  startedInMs = performance.now() - t0;
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

const plugins = async () => (await (await fetch(`${proxy.url}/plugins`)).json()) as PluginsBody;
const byFile = (body: PluginsBody, file: string) => body.agents.find((a) => a.file === file);

describe("loading in the background", () => {
  test("the proxy listens at once; a file that never finishes importing shows as loading", async () => {
    expect(startedInMs).toBeLessThan(IMPORT_TIMEOUT_MS);
    const res = await fetch(`${proxy.url}/health/live`);
    expect(res.status).toBe(200);
    expect(byFile(await plugins(), "slow-import.ts")).toMatchObject({ name: null, status: "loading" });
    const one = await fetch(`${proxy.url}/plugins/slow-import`);
    expect(await one.json()).toMatchObject({ status: "loading", file: "slow-import.ts" });
  });

  test("plain chats and other agents' chats are served while it loads", async () => {
    const client = new Ollama({ host: proxy.url });
    const plain = await client.chat({ model: "llama3.2", messages: [{ role: "user", content: "hi" }] });
    expect(plain.message.content).toBe("You said: hi");
    await eventually("upper loaded", async () => byFile(await plugins(), "upper.ts")?.status === "loaded");
    const upper = await client.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "/upper hi" }],
    });
    expect(upper.message.content).toBe("YOU SAID: HI");
  });

  test("a file that throws at the top level is reported as failed with its error", async () => {
    const body = await eventually("throws-on-load failed", async () => {
      const b = await plugins();
      return byFile(b, "throws-on-load.ts")?.status === "failed" && b;
    });
    expect(byFile(body, "throws-on-load.ts")?.error).toBe("cannot start: no licence key");
  });

  test("the slow file ends as failed once the import timeout is over", async () => {
    const entry = await eventually(
      "slow-import failed",
      async () => {
        const e = byFile(await plugins(), "slow-import.ts");
        return e?.status === "failed" && e;
      },
      IMPORT_TIMEOUT_MS + 3000,
    );
    expect(entry.error).toBe(`import did not finish within ${IMPORT_TIMEOUT_MS} ms`);
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as { status: string; agents: unknown };
    expect(health.status).toBe("degraded");
    expect(health.agents).toMatchObject({ loaded: 1, failed: 2, loading: 0 });
  });
});
