// An agent's worker ends after a quiet while (it holds memory for nothing) and starts again on use.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
