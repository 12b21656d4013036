// Hot reload: the watcher picks up new, changed, broken and deleted agents; old snapshots stay intact.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AgentRegistry, createAgentRegistry } from "../../../src/agents/registry.ts";
import { silentLogger } from "../../../src/log.ts";
import { chatRequest, fakeModel } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "agents-reload-"));
const registries: AgentRegistry[] = [];
afterAll(() => {
  for (const r of registries) r.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An agent whose transform appends its version and the helper's value. */
function writeAgent(name: string, version: number): void {
  const source = `import { mark } from "./_shared.ts";
export default {
  manifest: { name: "${name}", description: "version ${version}" },
  transformResponse: () => ({ chunk: (t) => t + " v${version}" + mark }),
};\n`;
  writeFileSync(join(dir, `${name}.ts`), source);
}
const writeHelper = (mark: string) =>
  writeFileSync(join(dir, "_shared.ts"), `export const mark = "${mark}";\n`);

/** What the agent's transform makes of "x" (its hooks run in the agent's worker, so it is awaited). */
async function output(registry: AgentRegistry, name: string, snapshot = registry.snapshot()) {
  const ctx = {
    args: [],
    input: "x",
    settings: {},
    logger: silentLogger,
    signal: new AbortController().signal,
    model: fakeModel([]),
    request: chatRequest("x"),
  };
  return snapshot.get(name)?.definition.transformResponse?.(ctx).chunk("x");
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

describe("watching the agents folder", () => {
  test("new version on change, old snapshot unchanged, helpers re-evaluated", async () => {
    writeHelper("!");
    writeAgent("greet", 1);
    const registry = createAgentRegistry({ dir, logger: silentLogger, watch: true, debounceMs: 30 });
    registries.push(registry);
    await registry.ready;
    const before = registry.snapshot();
    expect(await output(registry, "greet")).toBe("x v1!");

    writeAgent("greet", 2);
    await until(async () => (await output(registry, "greet")) === "x v2!", "greet v2");
    // A request that started before the change still holds the first snapshot, and its code.
    expect(await output(registry, "greet", before)).toBe("x v1!");
    expect(before.get("greet")?.definition.manifest.description).toBe("version 1");

    // Only the `_` helper changes: the agent importing it must see the new value.
    writeHelper("?");
    await until(async () => (await output(registry, "greet")) === "x v2?", "helper change");

    writeAgent("wave", 1);
    await until(async () => (await output(registry, "wave")) === "x v1?", "a new agent");

    writeFileSync(join(dir, "wave.ts"), "export default {{{");
    await until(() => registry.counts().failed === 1, "a broken agent");
    expect(registry.snapshot().get("wave")).toBeUndefined();
    expect(registry.snapshot().failed()[0]?.error).toStartWith("syntax error");

    unlinkSync(join(dir, "wave.ts"));
    await until(() => registry.counts().failed === 0, "a deleted agent");
    expect(
      registry
        .snapshot()
        .list()
        .map((a) => a.name),
    ).toEqual(["greet"]);
  });

  test("without watching, reload() picks up changes; overlapping calls share a pending load", async () => {
    const registry = createAgentRegistry({ dir, logger: silentLogger, watch: false });
    registries.push(registry);
    await registry.ready;
    writeAgent("greet", 3);
    const [a, b] = [registry.reload(), registry.reload()];
    expect(a).toBe(b);
    await Promise.all([a, b]);
    expect(await output(registry, "greet")).toBe("x v3?");
  });

  test("close() stops watching", async () => {
    const registry = createAgentRegistry({ dir, logger: silentLogger, watch: true, debounceMs: 10 });
    registries.push(registry);
    await registry.ready;
    const before = registry.snapshot();
    registry.close();
    writeAgent("greet", 4);
    await Bun.sleep(200);
    // No reload: the agents are the ones loaded before (the code runs when a thread starts, see
    // docs/agents.md section 9, so only the snapshot tells).
    expect(registry.snapshot()).toBe(before);
    expect(registry.snapshot().get("greet")?.definition.manifest.description).toBe("version 3");
  });
});
