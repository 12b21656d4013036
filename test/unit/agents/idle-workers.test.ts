// An agent's worker starts with its first request and ends after a quiet while (it holds memory for
// nothing); each start evaluates the module afresh.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadedAgent } from "../../../src/agents/index.ts";
import { createAgentRegistry } from "../../../src/agents/registry.ts";
import { silentLogger } from "../../../src/log.ts";
import { eventually } from "../../helpers/proxy.ts";
import { chatRequest, contextFactory } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "agents-idle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("an idle worker sleeps; the next call wakes it with the module evaluated afresh", async () => {
  // Module state shows the re-evaluation: the counter starts again in the new worker.
  writeFileSync(
    join(dir, "count.ts"),
    `let n = 0;
export default { manifest: { name: "count", description: "counts" },
  transformResponse: () => ({ chunk: (t) => t + ++n }) };\n`,
  );
  const registry = createAgentRegistry({ dir, logger: silentLogger, watch: false, idleMs: 50 });
  afterAll(() => registry.close());
  await registry.ready;
  const agent = registry.snapshot().get("count");
  if (!agent) throw new Error("count did not load");
  const run = async (text: string) => {
    const ctx = { ...contextFactory()(agent, { name: "count", args: [] }), request: chatRequest(text) };
    const transform = agent.definition.transformResponse?.(ctx);
    const out = await transform?.chunk(text);
    await transform?.flush?.();
    return out;
  };
  expect(await run("a")).toBe("a1");
  expect(await run("b")).toBe("b2");
  await eventually("asleep", () => agent.health?.().asleep);
  expect(await run("c")).toBe("c1");
  expect(agent.health?.()).toMatchObject({ status: "loaded", asleep: false, restarts: 0 });
});

test("loading holds no thread; the first call starts one", async () => {
  writeFileSync(
    join(dir, "echo.ts"),
    `export default { manifest: { name: "echo", description: "echoes" },
  transformResponse: () => ({ chunk: (t) => t + "!" }) };\n`,
  );
  const registry = createAgentRegistry({ dir, logger: silentLogger, watch: false });
  afterAll(() => registry.close());
  await registry.ready;
  const agent = registry.snapshot().get("echo");
  expect(agent?.health?.()).toMatchObject({ status: "loaded", asleep: true });
  const ctx = {
    ...contextFactory()(agent as LoadedAgent, { name: "echo", args: [] }),
    request: chatRequest("a"),
  };
  expect(await agent?.definition.transformResponse?.(ctx).chunk("a")).toBe("a!");
  expect(agent?.health?.()).toMatchObject({ status: "loaded", asleep: false, restarts: 0 });
});

test("a module whose hooks changed on disk before its first call fails it, naming the change", async () => {
  writeFileSync(
    join(dir, "shifty.ts"),
    `export default { manifest: { name: "shifty", description: "changes" },
  transformResponse: () => ({ chunk: (t) => t }) };\n`,
  );
  const registry = createAgentRegistry({ dir, logger: silentLogger, watch: false });
  afterAll(() => registry.close());
  await registry.ready;
  const agent = registry.snapshot().get("shifty");
  // Without watching, the file changes under the loaded agent: its thread would run other hooks.
  writeFileSync(
    join(dir, "shifty.ts"),
    `export default { manifest: { name: "shifty", description: "changed" }, onRequest: (r) => r };\n`,
  );
  const ctx = {
    ...contextFactory()(agent as LoadedAgent, { name: "shifty", args: [] }),
    request: chatRequest("a"),
  };
  const call = Promise.resolve(agent?.definition.transformResponse?.(ctx).chunk("a"));
  await expect(call).rejects.toThrow(
    "the module changed since it was loaded (hooks onRequest instead of transformResponse); it loads again with the agents folder",
  );
  expect(agent?.health?.()).toMatchObject({ status: "failed" });
});
