// The ModelService: resolution, keep-alive defaults and ensure (cache, policy, backoff, progress, abort).
import { describe, expect, test } from "bun:test";
import { configFrom } from "../../../src/config/index.ts";
import type { Settings } from "../../../src/config/settings.ts";
import { ProxyError } from "../../../src/errors.ts";
import { silentLogger } from "../../../src/log.ts";
import { createCatalog } from "../../../src/models/catalog.ts";
import { PullManager } from "../../../src/models/pull-manager.ts";
import { createModelService } from "../../../src/models/service.ts";
import { layer, scriptedUpstream } from "./scripted-upstream.ts";

function setup(settings: Partial<Settings> = {}, installed: string[] = ["llama3.2:latest"]) {
  const s = scriptedUpstream();
  s.installed = installed;
  const config = configFrom({ modelsCacheMs: 60_000, pullRetryAfterMs: 60_000, pullGraceMs: 0, ...settings });
  const catalog = createCatalog(s.upstream, config.modelsCacheMs);
  const pulls = new PullManager({
    upstream: s.upstream,
    logger: silentLogger,
    retryAfterMs: 60_000,
    graceMs: 0,
  });
  const timing = { firstAfterMs: 1, heartbeatMs: 1000, minGapMs: 0 };
  return { s, pulls, service: createModelService({ config, catalog, pulls, timing }) };
}

async function drain(iter: AsyncIterable<string>): Promise<string[]> {
  const texts: string[] = [];
  for await (const t of iter) texts.push(t);
  return texts;
}

async function failure(iter: AsyncIterable<string>): Promise<ProxyError> {
  const err = await drain(iter).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ProxyError)) throw new Error(`expected a ProxyError, got ${String(err)}`);
  return err;
}

const never = new AbortController().signal;

describe("resolve", () => {
  const { service } = setup({
    modelAliases: { "gpt-4o-mini": "llama3.2:3b", Fast: "qwen3" },
    defaultModel: "gpt-4o-mini",
  });
  test("aliases by exact spelling or Ollama's equivalent name", () => {
    expect(service.resolve("gpt-4o-mini")).toBe("llama3.2:3b");
    expect(service.resolve("gpt-4o-mini:latest")).toBe("llama3.2:3b");
    expect(service.resolve("fast")).toBe("qwen3");
  });
  test("the default model (itself an alias here) for requests naming none", () => {
    expect(service.resolve("")).toBe("llama3.2:3b");
  });
  test("anything else is kept as the client wrote it", () => {
    expect(service.resolve("llama3.2")).toBe("llama3.2");
    expect(setup().service.resolve("")).toBe("");
  });
  test("a name Ollama could not parse is Ollama's 400, whatever its length; an alias may be any word", () => {
    const { service: odd } = setup({ modelAliases: { "claude@2024": "qwen3" } });
    expect(odd.resolve("claude@2024")).toBe("qwen3");
    for (const name of ["bad name", "x".repeat(1_000_000), "constructor/x/y/z", "__proto__@"]) {
      let thrown: unknown;
      try {
        odd.resolve(name);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ProxyError);
      expect(thrown).toMatchObject({ status: 400, message: "invalid model name" });
    }
    // Inherited object keys are not aliases.
    expect(odd.resolve("constructor")).toBe("constructor");
  });
});

describe("keepAliveFor", () => {
  const { service } = setup({
    keepAlive: "30m",
    modelKeepAlive: { "llama3.2": -1, fast: 60 },
    modelAliases: { fast: "qwen3" },
  });
  test("the per-model value (keyed by name or alias), else the global one", () => {
    expect(service.keepAliveFor("llama3.2:latest")).toBe(-1);
    expect(service.keepAliveFor("qwen3")).toBe(60);
    expect(service.keepAliveFor("mistral")).toBe("30m");
  });
  test("no configuration: null, so Ollama's own default applies", () => {
    expect(setup().service.keepAliveFor("llama3.2")).toBeNull();
  });
});

describe("ensure", () => {
  test("an installed model costs one /api/tags read, then nothing while the cache is fresh", async () => {
    const { s, service } = setup();
    expect(await drain(service.ensure("llama3.2", never))).toEqual([]);
    expect(await drain(service.ensure("llama3.2:latest", never))).toEqual([]);
    expect(s.tagsCalls).toBe(1);
    expect(s.pulls).toHaveLength(0);
  });

  test("a miss re-reads the list before pulling (the model may have arrived meanwhile)", async () => {
    const { s, service } = setup();
    await drain(service.ensure("llama3.2", never));
    s.installed.push("qwen3:latest");
    expect(await drain(service.ensure("qwen3", never))).toEqual([]);
    expect(s.tagsCalls).toBe(2);
    expect(s.pulls).toHaveLength(0);
  });

  test("auto-pull off and cloud models: nothing happens", async () => {
    const off = setup({ autoPull: false });
    await drain(off.service.ensure("missing", never));
    expect(off.s.tagsCalls).toBe(0);
    const on = setup();
    await drain(on.service.ensure("gpt-oss:120b-cloud", never));
    expect(on.s.tagsCalls + on.s.pulls.length).toBe(0);
  });

  test("a denied model fails with 404 naming it and why, without a pull", async () => {
    const { s, service } = setup({ pullDeny: ["hf.co/*"] });
    const err = await failure(service.ensure("hf.co/acme/big", never));
    expect(err.status).toBe(404);
    expect(err.message).toBe(
      "model 'hf.co/acme/big' not found (pulling it on demand is denied by PULL_DENY (hf.co/*))",
    );
    expect(s.pulls).toHaveLength(0);
  });

  test("a missing model is pulled with progress texts; the registry's refusal is a 404 and is not retried at once", async () => {
    const { s, service } = setup();
    const texts: string[] = [];
    const run = (async () => {
      for await (const t of service.ensure("tinyllama", never)) texts.push(t);
    })();
    await Bun.sleep(10);
    s.pulls[0]?.line({ status: "pulling manifest" });
    await Bun.sleep(5);
    s.pulls[0]?.line(layer(420));
    await Bun.sleep(5);
    s.pulls[0]?.line({ status: "verifying sha256 digest" });
    s.pulls[0]?.line({ status: "success" });
    s.pulls[0]?.end();
    await run;
    expect(texts.slice(0, 3)).toEqual([
      "pulling tinyllama",
      "pulling tinyllama: pulling manifest",
      "pulling tinyllama 42%",
    ]);

    const ghost = service.ensure("ghost", never);
    const pending = failure(ghost);
    await Bun.sleep(10);
    s.pulls[1]?.line({ status: "pulling manifest" });
    s.pulls[1]?.line({ error: "pull model manifest: file does not exist" });
    s.pulls[1]?.end();
    const err = await pending;
    expect(err.status).toBe(404);
    expect(err.message).toBe(
      "model 'ghost' not found (pull failed: pull model manifest: file does not exist)",
    );
    const again = await failure(service.ensure("ghost", never));
    expect(again.message).toBe(
      "model 'ghost' not found (pull failed 0s ago: pull model manifest: file does not exist; " +
        "the next try is allowed in 60s)",
    );
    expect(s.pulls).toHaveLength(2);
  });

  test("a client that leaves stops waiting, but the pull goes on for the others", async () => {
    const { s, service } = setup();
    const leaving = new AbortController();
    const first = drain(service.ensure("tinyllama", leaving.signal)).catch((e: unknown) => e);
    const second = drain(service.ensure("tinyllama", never));
    await Bun.sleep(10);
    leaving.abort();
    expect(((await first) as Error).name).toBe("AbortError");
    s.pulls[0]?.line({ status: "success" });
    s.pulls[0]?.end();
    await second;
    expect(s.pulls).toHaveLength(1);
    expect(s.pulls[0]?.aborted()).toBe(false);
  });
});
