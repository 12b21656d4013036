// REDIS_URL shares the pull single-flight between proxy replicas: two proxy processes, one real
// Redis, one fake Ollama — one /api/pull however many clients ask on either; and the lock itself
// (held, renewed, released only by its holder, expiring when its holder dies).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { Ollama } from "ollama";
import { createSharedPulls } from "../../src/fleet/index.ts";
import { createLogger } from "../../src/log.ts";
import type { PullOutcome, PullSide } from "../../src/models/index.ts";
import type { PullLine } from "../../src/wire/ollama.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { freePort } from "../helpers/free-port.ts";
import { startProxy } from "../helpers/proxy.ts";
import { startRedis } from "../helpers/redis.ts";
import { type SpawnedProxy, spawnProxy } from "../helpers/spawn-proxy.ts";

const redis = await startRedis();

afterAll(async () => {
  await redis?.stop();
});

describe.skipIf(!redis)("two replicas, one Redis, one Ollama", () => {
  let fake: FakeOllama;
  let a: SpawnedProxy;
  let b: SpawnedProxy;
  beforeAll(async () => {
    // Slow pulls: every client has asked long before the pull is over.
    fake = startFakeOllama({ behaviour: { pullChunkDelayMs: 60 } });
    // Progress as message.thinking, so a test can read the texts a waiting chat is shown.
    const env = {
      OLLAMA_URL: fake.url,
      REDIS_URL: redis?.url,
      PROXY_HOST: "127.0.0.1",
      PROGRESS_NATIVE: "thinking",
    };
    [a, b] = await Promise.all([
      spawnProxy({ args: ["--port", "0"], env }),
      spawnProxy({ args: ["--port", "0"], env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await fake?.stop();
  });

  test("many clients on both replicas ask for a missing model: one pull reaches Ollama, all get it", async () => {
    const hi = [{ role: "user" as const, content: "hi" }];
    const chats = [a, b, a, b, a, b, a, b].map((p) =>
      new Ollama({ host: p.url }).chat({ model: "tinyllama", messages: hi }),
    );
    // Explicit pulls on both replicas see the progress of the one pull, whichever replica runs it.
    const statuses = async (p: SpawnedProxy) => {
      const seen: string[] = [];
      for await (const line of await new Ollama({ host: p.url }).pull({ model: "tinyllama", stream: true }))
        seen.push(line.status);
      return seen;
    };
    // A streaming chat on each replica is shown the pull's percent, whichever replica runs it.
    const texts = async (p: SpawnedProxy) => {
      const seen: string[] = [];
      const stream = await new Ollama({ host: p.url }).chat({
        model: "tinyllama",
        messages: hi,
        stream: true,
      });
      for await (const part of stream) if (part.message.thinking) seen.push(part.message.thinking.trim());
      return seen;
    };
    const shown = Promise.all([texts(a), texts(b)]);
    await Bun.sleep(100);
    const [onA, onB] = await Promise.all([statuses(a), statuses(b)]);
    const replies = await Promise.all(chats);
    for (const seen of await shown) expect(seen.some((t) => /^pulling tinyllama \d+%$/.test(t))).toBe(true);
    expect(replies.every((r) => r.done)).toBe(true);
    expect(fake.requestsTo("/api/pull").length).toBe(1);
    for (const seen of [onA, onB]) {
      expect(seen).toContain("pulling manifest");
      expect(seen.some((s) => /^pulling [0-9a-f]{12}$/.test(s))).toBe(true);
      expect(seen.at(-1)).toBe("success");
    }
    const followed = [...a.lines, ...b.lines].filter((l) => l.msg === "pull followed");
    const started = [...a.lines, ...b.lines].filter((l) => l.msg === "pull started");
    expect(followed.length).toBe(1);
    expect(started.length).toBe(2);
  });
});

test("while Redis cannot be reached, a replica pulls on its own and says so", async () => {
  const fake = startFakeOllama();
  const proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { redisUrl: `redis://127.0.0.1:${freePort()}` },
  });
  try {
    const reply = await new Ollama({ host: proxy.url }).chat({
      model: "tinyllama",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(reply.done).toBe(true);
    expect(fake.requestsTo("/api/pull").length).toBe(1);
    expect(
      proxy.logs.some((l) => String(l.msg).startsWith("redis unreachable: pulling without sharing")),
    ).toBe(true);
  } finally {
    await proxy.stop();
    await fake.stop();
  }
});

/** A pull as the coordinator sees it: lines recorded, a run the test settles. */
function side(run: () => Promise<PullOutcome>) {
  const recorded: PullLine[] = [];
  const listeners = new Set<(line: PullLine) => void>();
  const abort = new AbortController();
  let runs = 0;
  const s: PullSide & { recorded: PullLine[]; runs: () => number; emit(line: PullLine): void } = {
    run: () => {
      runs++;
      return run();
    },
    record: (line) => recorded.push(line),
    replay: () => recorded,
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    signal: abort.signal,
    recorded,
    runs: () => runs,
    emit(line) {
      recorded.push(line);
      for (const fn of listeners) fn(line);
    },
  };
  return s;
}

describe.skipIf(!redis)("the shared pull lock", () => {
  const logger = createLogger({ level: "error", format: "json" });
  const url = redis?.url ?? "";
  const opts = { url, logger, lockMs: 300, pollMs: 20 };
  let raw: RedisClient;
  beforeAll(() => {
    raw = new RedisClient(url);
  });
  afterAll(() => raw.close());

  test("a failure is shared: the follower gets it without pulling", async () => {
    const [one, two] = [createSharedPulls(opts), createSharedPulls(opts)];
    const failed: PullOutcome = {
      ok: false,
      cancelled: false,
      message: "no such model",
      status: 500,
      refused: false,
    };
    const holder = side(async () => {
      holder.emit({ status: "pulling manifest" });
      await Bun.sleep(150);
      return failed;
    });
    const follower = side(async () => ({ ok: true }));
    const first = one.coordinate("m1", holder);
    await Bun.sleep(30);
    const second = two.coordinate("m1", follower);
    expect(await first).toEqual(failed);
    expect(await second).toEqual(failed);
    expect(follower.runs()).toBe(0);
    // The follower's clients were shown the holder's progress.
    expect(follower.recorded.map((l) => l.status)).toEqual(["pulling manifest"]);
    expect(await raw.get("osp:pull:m1")).toBeNull();
    one.close();
    two.close();
  });

  test("a holder that dies lets the lock expire, and a follower takes over", async () => {
    const [one, two] = [createSharedPulls(opts), createSharedPulls(opts)];
    const hung = Promise.withResolvers<PullOutcome>();
    const holder = side(() => hung.promise);
    void one.coordinate("m2", holder);
    await Bun.sleep(30);
    expect(await raw.get("osp:pull:m2")).not.toBeNull();
    // Renewed while it runs: still held after twice its lifetime.
    await Bun.sleep(600);
    expect(await raw.get("osp:pull:m2")).not.toBeNull();
    one.close(); // the holder is gone: no more renewals
    const follower = side(async () => ({ ok: true }));
    expect(await two.coordinate("m2", follower)).toEqual({ ok: true });
    expect(follower.runs()).toBe(1);
    hung.resolve({ ok: true });
    two.close();
  });

  test("only its holder releases the lock", async () => {
    const one = createSharedPulls(opts);
    const done = Promise.withResolvers<PullOutcome>();
    const finished = one.coordinate(
      "m3",
      side(() => done.promise),
    );
    await Bun.sleep(30);
    // Its lock expired and another replica took it meanwhile.
    await raw.set("osp:pull:m3", "someone-else");
    done.resolve({ ok: true });
    expect(await finished).toEqual({ ok: true });
    expect(await raw.get("osp:pull:m3")).toBe("someone-else");
    one.close();
  });
});
