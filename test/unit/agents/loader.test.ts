// Loading a folder: broken modules are recorded with a reason and skipped; the rest load.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { discoverAgentFiles } from "../../../src/agents/discover.ts";
import { createAgentRegistry } from "../../../src/agents/registry.ts";
import type { LoadedAgent } from "../../../src/agents/snapshot.ts";
import { silentLogger } from "../../../src/log.ts";
import { chatRequest, contextFactory } from "./helpers.ts";

const BROKEN = join(import.meta.dir, "../../fixtures/agents-broken");

describe("loading a folder of broken modules", async () => {
  const registry = createAgentRegistry({
    dir: BROKEN,
    logger: silentLogger,
    watch: false,
    settings: { valid: { greeting: "hello", extra: 1 } },
    // Long enough that nine workers starting at once on a loaded machine do not time out the files
    // that fail on their own; hangs.ts is the one that must reach it.
    importTimeoutMs: 1500,
  });
  afterAll(() => registry.close());
  await registry.ready;
  const result = { loaded: registry.snapshot().list(), failed: registry.snapshot().failed() };
  const failure = (file: string) => result.failed.find((f) => f.file === file);

  test("the good ones load: a file and a folder with a sibling import", async () => {
    expect(result.loaded.map((a) => [a.name, a.file])).toEqual([
      ["dup", "dup-a.ts"],
      ["folder", "folder-agent/index.ts"],
      ["valid", "valid.ts"],
    ]);
    const folder = result.loaded.find((a) => a.name === "folder");
    const ctx = {
      ...contextFactory()(folder as LoadedAgent, { name: "folder", args: [] }),
      request: chatRequest("hi"),
    };
    expect(await folder?.definition.transformResponse?.(ctx).chunk("hi")).toBe("hi!");
  });

  test("each broken module is recorded with a one-line reason", () => {
    expect(failure("syntax-error.js")?.error).toMatch(/^syntax error: .+ \(line 1:\d+\)/);
    expect(failure("throws-on-import.ts")?.error).toBe("boom at import");
    expect(failure("bad-shape.ts")).toMatchObject({
      name: "bad-shape",
      error: "expected at least one hook: onRequest, transformResponse or run",
    });
    expect(failure("bad-hook.ts")?.error).toContain("manifest.name: expected lower-case letters");
    expect(failure("bad-hook.ts")?.error).toContain("onRequest: expected a function");
    expect(failure("no-default.ts")?.error).toBe("the module has no default export");
    expect(failure("dup-b.ts")).toMatchObject({
      name: "dup",
      error: 'duplicate name "dup": already defined by dup-a.ts',
    });
    expect(failure("help.ts")?.error).toBe('"help" is reserved for the built-in /help command');
    expect(failure("hangs.ts")?.error).toBe("import did not finish within 1500 ms");
    expect(failure("missing-dep.js")?.error).toMatch(
      /Cannot find package 'definitely-not-an-installed-package'/,
    );
    expect(failure("missing-dep.js")?.error).not.toContain("?v=");
    for (const f of result.failed) {
      expect(f.error).not.toContain("\n");
      expect(f.error).not.toContain(BROKEN);
      expect(Date.parse(f.loadedAt)).not.toBeNaN();
    }
  });

  test("helpers, dotfiles, declarations, other files and folders without an index are skipped", () => {
    const files = [...result.loaded, ...result.failed].map((a) => a.file);
    for (const skipped of ["_helper.ts", ".hidden.ts", "types-only.d.ts", "notes.md"]) {
      expect(files).not.toContain(skipped);
    }
    expect(files.some((f) => f.startsWith("empty-folder"))).toBe(false);
  });

  test("settings are the defaults overlaid by the operator's, and frozen", () => {
    const valid = result.loaded.find((a) => a.name === "valid");
    expect(valid?.settings).toEqual({ greeting: "hello", extra: 1 });
    expect(Object.isFrozen(valid?.settings)).toBe(true);
    expect(Object.isFrozen(valid)).toBe(true);
  });
});

describe("discoverAgentFiles", () => {
  const dir = mkdtempSync(join(tmpdir(), "agents-discover-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("file kinds", () => {
    for (const f of [
      "a.ts",
      "b.js",
      "c.mjs",
      "d.d.ts",
      "e.test.ts",
      "f.spec.js",
      "_g.ts",
      ".h.ts",
      "i.json",
      "j.tsx",
    ]) {
      writeFileSync(join(dir, f), "");
    }
    for (const [folder, index] of [
      ["k", "index.ts"],
      ["l", "index.js"],
      ["m", "main.ts"],
    ] as const) {
      mkdirSync(join(dir, folder));
      writeFileSync(join(dir, folder, index), "");
    }
    expect(discoverAgentFiles(dir)).toEqual(["a.ts", "b.js", "c.mjs", "k/index.ts", "l/index.js"]);
  });
});

describe("createAgentRegistry", () => {
  test("a missing folder is an empty registry, not a crash", async () => {
    const registry = createAgentRegistry({
      dir: join(BROKEN, "does-not-exist"),
      logger: silentLogger,
      watch: true,
    });
    await registry.ready;
    expect(registry.counts()).toEqual({ loaded: 0, failed: 0, loading: 0 });
    registry.close();
  });

  test("counts and snapshot over the broken folder; lookups are case-insensitive", async () => {
    const registry = createAgentRegistry({
      dir: BROKEN,
      logger: silentLogger,
      watch: false,
      importTimeoutMs: 1500,
    });
    await registry.ready;
    expect(registry.counts()).toEqual({ loaded: 3, failed: 9, loading: 0 });
    expect(registry.snapshot().get("VALID")?.name).toBe("valid");
    registry.close();
  });
});
