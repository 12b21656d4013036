// With tracing off the OpenTelemetry modules are not loaded: no chain of static imports from what the
// proxy runs (its main module, an agent's worker) reaches them; only tracing-config.ts imports the
// tracing module, dynamically, once an OTLP endpoint is configured.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";

const SRC = path.resolve(import.meta.dir, "../../../src");
const transpiler = new Bun.Transpiler({ loader: "ts" });

/** Every module reached from `roots` by static imports (type-only ones are erased): file → importer. */
function staticGraph(roots: string[]): Map<string, string> {
  const seen = new Map<string, string>(roots.map((r) => [r, "(root)"]));
  const queue = [...roots];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const imp of transpiler.scanImports(readFileSync(file, "utf8"))) {
      if (imp.kind !== "import-statement") continue;
      const target = imp.path.startsWith(".") ? path.resolve(path.dirname(file), imp.path) : imp.path;
      if (seen.has(target)) continue;
      seen.set(target, file);
      if (target.startsWith(SRC) && target.endsWith(".ts")) queue.push(target);
    }
  }
  return seen;
}

test("no static import chain from the proxy's entry modules reaches @opentelemetry", () => {
  const graph = staticGraph([path.join(SRC, "main.ts"), path.join(SRC, "agents/isolate/worker-entry.ts")]);
  // The walk does see the proxy: the observability modules that are always there.
  expect(graph.has(path.join(SRC, "observe/tracing-config.ts"))).toBe(true);
  expect(graph.has(path.join(SRC, "observe/probe.ts"))).toBe(true);
  const otel = [...graph.keys()].filter((m) => m.startsWith("@opentelemetry/"));
  expect(otel.map((m) => `${m} (imported by ${path.relative(SRC, graph.get(m) as string)})`)).toEqual([]);
  expect(graph.has(path.join(SRC, "observe/tracing.ts"))).toBe(false);
});
