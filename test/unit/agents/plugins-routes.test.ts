// GET /plugins and /plugins/:name over fixture folders: everything described, nothing leaked.
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createAgentRegistry } from "../../../src/agents/registry.ts";
import { createPluginsRoutes } from "../../../src/features/plugins/routes.ts";
import { silentLogger } from "../../../src/log.ts";

// Loose on purpose: the test reads whatever the route returned.
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies under test
type Json = any;

const fixtures = join(import.meta.dir, "../../fixtures");
const valid = createAgentRegistry({
  dir: join(fixtures, "agents-valid"),
  logger: silentLogger,
  watch: false,
  settings: { secretive: { apiKey: "sk-operator-456" } },
});
const broken = createAgentRegistry({
  dir: join(fixtures, "agents-broken"),
  logger: silentLogger,
  watch: false,
  // Long enough that a loaded machine starting nine workers at once does not time out the files
  // that fail on their own; hangs.ts is the one that must reach it.
  importTimeoutMs: 1500,
});
afterAll(() => {
  valid.close();
  broken.close();
});

describe("GET /plugins", async () => {
  await Promise.all([valid.ready, broken.ready]);
  const app = createPluginsRoutes({ registry: valid });

  test("lists every agent with manifest, file, hooks, setting keys and load timing", async () => {
    const res = await app.request("/plugins");
    expect(res.status).toBe(200);
    const body: Json = await res.json();
    expect(body.loaded).toBe(2);
    expect(body.failed).toBe(0);
    const secretive = body.agents.find((a: { name: string }) => a.name === "secretive");
    expect(secretive).toMatchObject({
      status: "loaded",
      file: "secretive.ts",
      hooks: ["onRequest", "transformResponse"],
      takeover: false,
      settings: ["apiKey", "endpoint"],
      manifest: {
        name: "secretive",
        version: "2.1.0",
        usage: "/secretive <mode> <your message>",
        args: [{ name: "mode", description: "how secret" }],
        examples: ["/secretive loud hello"],
      },
    });
    expect(new Date(secretive.loadedAt).toISOString()).toBe(secretive.loadedAt);
    expect(typeof secretive.loadMs).toBe("number");
  });

  test("leaks no settings values, no extra manifest fields, no functions, no absolute paths", async () => {
    const text = await (await app.request("/plugins")).text();
    for (const secret of [
      "sk-default-123",
      "sk-operator-456",
      "internal.example",
      "manifest-secret-789",
      "=>",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(fixtures);
  });

  test("failed agents appear with their error", async () => {
    const body: Json = await (await createPluginsRoutes({ registry: broken }).request("/plugins")).json();
    expect(body.failed).toBe(9);
    expect(body.agents).toContainEqual(
      expect.objectContaining({
        name: null,
        file: "throws-on-import.ts",
        status: "failed",
        error: "boom at import",
      }),
    );
  });
});

describe("GET /plugins/:name", async () => {
  await Promise.all([valid.ready, broken.ready]);

  test("one agent, case-insensitively", async () => {
    const res = await createPluginsRoutes({ registry: valid }).request("/plugins/Shout");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "shout", status: "loaded", hooks: ["transformResponse"] });
  });

  test("a failed agent by its claimed name or by its file name", async () => {
    const app = createPluginsRoutes({ registry: broken });
    expect(await (await app.request("/plugins/bad-shape")).json()).toMatchObject({ status: "failed" });
    expect(await (await app.request("/plugins/syntax-error")).json()).toMatchObject({
      name: null,
      file: "syntax-error.js",
      status: "failed",
    });
    // A duplicate: the loaded one wins the name.
    expect(await (await app.request("/plugins/dup")).json()).toMatchObject({
      status: "loaded",
      file: "dup-a.ts",
    });
  });

  test("unknown name → 404 in Ollama's error shape", async () => {
    const res = await createPluginsRoutes({ registry: valid }).request("/plugins/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'agent "nope" not found' });
  });
});

test("GET /plugins/:name refuses what cannot be an agent name, without echoing it", async () => {
  await valid.ready;
  const long = "a".repeat(5000);
  for (const name of [long, "..%2Fsecret", "%20x"]) {
    const res = await createPluginsRoutes({ registry: valid }).request(`/plugins/${name}`);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(long.slice(0, 200));
  }
});
