// Progress texts while waiting on a pull: held back at first, rate-limited, repeated as a heartbeat.
import { expect, test } from "bun:test";
import { silentLogger } from "../../../src/log.ts";
import { PullManager } from "../../../src/models/pull-manager.ts";
import { type PullWaitTiming, waitForPull } from "../../../src/models/pull-wait.ts";
import { layer, scriptedUpstream } from "./scripted-upstream.ts";

function setup() {
  const s = scriptedUpstream();
  const pulls = new PullManager({ upstream: s.upstream, logger: silentLogger, retryAfterMs: 0, graceMs: 0 });
  return { s, pulls };
}

async function collect(gen: AsyncGenerator<string, unknown>, into: Array<{ text: string; at: number }>) {
  const started = performance.now();
  for (;;) {
    const r = await gen.next();
    if (r.done) return r.value;
    into.push({ text: r.value, at: performance.now() - started });
  }
}

const timing = (t: Partial<PullWaitTiming>): PullWaitTiming => ({
  firstAfterMs: 10_000,
  heartbeatMs: 10_000,
  minGapMs: 0,
  ...t,
});

test("nothing is said before layers download (a registry refusal keeps its status), then the percent", async () => {
  const { s, pulls } = setup();
  const texts: Array<{ text: string; at: number }> = [];
  const done = collect(waitForPull(pulls.join("m"), "m", new AbortController().signal, timing({})), texts);
  await Bun.sleep(5);
  s.pulls[0]?.line({ status: "pulling manifest" });
  await Bun.sleep(5);
  expect(texts).toEqual([]);
  s.pulls[0]?.line(layer(100));
  await Bun.sleep(5);
  s.pulls[0]?.line({ status: "success" });
  s.pulls[0]?.end();
  expect(await done).toEqual({ ok: true });
  expect(texts.map((t) => t.text)).toEqual(["pulling m 10%"]);
});

test("many upstream lines make few texts: at most one per minimum gap", async () => {
  const { s, pulls } = setup();
  const texts: Array<{ text: string; at: number }> = [];
  const done = collect(
    waitForPull(pulls.join("m"), "m", new AbortController().signal, timing({ minGapMs: 40 })),
    texts,
  );
  await Bun.sleep(5);
  for (let i = 1; i <= 100; i++) {
    s.pulls[0]?.line(layer(i * 10));
    await Bun.sleep(1);
  }
  s.pulls[0]?.line({ status: "success" });
  s.pulls[0]?.end();
  await done;
  expect(texts.length).toBeGreaterThan(0);
  expect(texts.length).toBeLessThan(20);
  for (let i = 1; i < texts.length; i++) {
    expect((texts[i]?.at ?? 0) - (texts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(35);
  }
});

test("a silent pull still gets a text after firstAfterMs and then every heartbeat", async () => {
  const { s, pulls } = setup();
  const texts: Array<{ text: string; at: number }> = [];
  const done = collect(
    waitForPull(
      pulls.join("m"),
      "m",
      new AbortController().signal,
      timing({ firstAfterMs: 20, heartbeatMs: 30 }),
    ),
    texts,
  );
  await Bun.sleep(5);
  s.pulls[0]?.line({ status: "pulling manifest" });
  await Bun.sleep(120);
  s.pulls[0]?.line({ status: "success" });
  s.pulls[0]?.end();
  await done;
  expect(texts.length).toBeGreaterThanOrEqual(3);
  expect(new Set(texts.map((t) => t.text))).toEqual(new Set(["pulling m: pulling manifest"]));
  expect(texts[0]?.at).toBeGreaterThanOrEqual(15);
});

test("firstAfterMs 0 means silence throughout", async () => {
  const { s, pulls } = setup();
  const texts: Array<{ text: string; at: number }> = [];
  const done = collect(
    waitForPull(pulls.join("m"), "m", new AbortController().signal, timing({ firstAfterMs: 0 })),
    texts,
  );
  await Bun.sleep(5);
  s.pulls[0]?.line(layer(500));
  s.pulls[0]?.line({ status: "success" });
  s.pulls[0]?.end();
  await done;
  expect(texts).toEqual([]);
});
