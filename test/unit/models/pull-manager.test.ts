// Single-flight pulls, backoff after failures and the grace period for pulls nobody waits for.
import { expect, test } from "bun:test";
import { silentLogger } from "../../../src/log.ts";
import { PullManager } from "../../../src/models/pull-manager.ts";
import { layer, scriptedUpstream } from "./scripted-upstream.ts";

function manager(opts: { retryAfterMs?: number; graceMs?: number; onPulled?: (m: string) => void } = {}) {
  const s = scriptedUpstream();
  const pulls = new PullManager({
    upstream: s.upstream,
    logger: silentLogger,
    retryAfterMs: opts.retryAfterMs ?? 1000,
    graceMs: opts.graceMs ?? 0,
    onPulled: opts.onPulled,
  });
  return { s, pulls };
}

const tick = () => Bun.sleep(5);

test("equivalent names share one upstream pull and one outcome", async () => {
  const pulled: string[] = [];
  const { s, pulls } = manager({ onPulled: (m) => pulled.push(m) });
  const a = pulls.join("tinyllama");
  const b = pulls.join("tinyllama:latest");
  const c = pulls.join("library/TinyLlama");
  await tick();
  expect(s.pulls).toHaveLength(1);
  expect(s.pulls[0]?.body).toEqual({ model: "tinyllama", stream: true });
  expect(a.job).toBe(b.job);
  expect(a.job).toBe(c.job);
  s.pulls[0]?.line({ status: "pulling manifest" });
  s.pulls[0]?.line(layer(400));
  await tick();
  expect(a.job.percent).toBe(40);
  expect(pulls.active()[0]).toMatchObject({ model: "tinyllama", percent: 40, waiters: 3 });
  s.pulls[0]?.line(layer(1000));
  s.pulls[0]?.line({ status: "success" });
  s.pulls[0]?.end();
  expect(await a.job.done).toEqual({ ok: true });
  expect(pulled).toEqual(["tinyllama"]);
  expect(pulls.active()).toEqual([]);
});

test("a failed pull is remembered for the backoff, then a new pull may start", async () => {
  const { s, pulls } = manager({ retryAfterMs: 50 });
  const lease = pulls.join("ghost");
  await tick();
  s.pulls[0]?.line({ status: "pulling manifest" });
  s.pulls[0]?.line({ error: "pull model manifest: file does not exist" });
  s.pulls[0]?.end();
  const outcome = await lease.job.done;
  expect(outcome).toMatchObject({
    ok: false,
    cancelled: false,
    message: "pull model manifest: file does not exist",
  });
  expect(pulls.recentFailure("ghost:latest")?.message).toBe("pull model manifest: file does not exist");
  expect(pulls.recentFailures()[0]?.retryAt).toBeGreaterThan(Date.now());
  await Bun.sleep(60);
  expect(pulls.recentFailure("ghost")).toBeNull();
  pulls.join("ghost");
  await tick();
  expect(s.pulls).toHaveLength(2);
});

test("a refusal before the stream keeps the upstream's status; a stream without success is a failure", async () => {
  const { s, pulls } = manager();
  s.refuseNext = { status: 400, error: "pull model manifest: file does not exist" };
  expect(await pulls.join("nosuchmodel").job.done).toMatchObject({
    ok: false,
    status: 400,
    refused: true,
    message: "pull model manifest: file does not exist",
  });
  const lease = pulls.join("tinyllama");
  await tick();
  s.pulls[0]?.line(layer(10));
  s.pulls[0]?.end();
  expect(await lease.job.done).toMatchObject({
    ok: false,
    message: expect.stringContaining("ended the pull early"),
  });
});

test("the last waiter leaving stops the pull at once with no grace, and that is no failure", async () => {
  const { s, pulls } = manager({ graceMs: 0 });
  const a = pulls.join("tinyllama");
  const b = pulls.join("tinyllama");
  await tick();
  a.leave();
  a.leave(); // idempotent: must not count twice
  await tick();
  expect(s.pulls[0]?.aborted()).toBe(false);
  b.leave();
  expect(await b.job.done).toMatchObject({ ok: false, cancelled: true });
  expect(s.pulls[0]?.aborted()).toBe(true);
  expect(pulls.recentFailure("tinyllama")).toBeNull();
});

test("within the grace period a returning client rejoins the same pull", async () => {
  const { s, pulls } = manager({ graceMs: 40 });
  pulls.join("tinyllama").leave();
  await Bun.sleep(10);
  const back = pulls.join("tinyllama");
  await Bun.sleep(50);
  expect(s.pulls).toHaveLength(1);
  expect(s.pulls[0]?.aborted()).toBe(false);
  back.leave();
  await Bun.sleep(60);
  expect(s.pulls[0]?.aborted()).toBe(true);
});

test("stop() cancels every pull in flight", async () => {
  const { s, pulls } = manager();
  const lease = pulls.join("tinyllama");
  await tick();
  pulls.stop();
  expect(await lease.job.done).toMatchObject({ cancelled: true, message: "the proxy is shutting down" });
  expect(s.pulls[0]?.aborted()).toBe(true);
});

test("a name Ollama could not parse is refused before any pull, and nothing is kept of it", async () => {
  const { s, pulls } = manager();
  for (const name of ["bad name", "x".repeat(5_000_000), "a/b/c/d"]) {
    expect(() => pulls.join(name)).toThrow("invalid model name");
  }
  await tick();
  expect(s.pulls).toHaveLength(0);
  expect(pulls.recentFailures()).toEqual([]);
  expect(pulls.active()).toEqual([]);
});

test("failure texts are kept clipped, however long the upstream's error", async () => {
  const { s, pulls } = manager();
  s.refuseNext = { status: 500, error: "e".repeat(1_000_000) };
  await pulls.join("tinyllama").job.done;
  const [failure] = pulls.recentFailures();
  expect(failure?.message.length).toBeLessThan(1100);
  expect(failure?.message).toContain("(1000000 characters)");
});
