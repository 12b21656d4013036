// Concurrency slots shared through a real Redis are leases: a replica that dies holding one frees it
// within a lease (not a day), and one whose request still runs keeps it by renewing.
import { afterAll, describe, expect, test } from "bun:test";
import { type Counters, createRedisCounters } from "../../src/auth/counters.ts";
import { type Admission, createLimiter, isRefusal, type LimitRefusal } from "../../src/auth/limits.ts";
import { createLogger } from "../../src/log.ts";
import { eventually } from "../helpers/proxy.ts";
import { startRedis } from "../helpers/redis.ts";

const redis = await startRedis();
const LEASE_MS = 300;
const policy = { concurrency: 1 };
const opened: Counters[] = [];
afterAll(async () => {
  for (const c of opened) c.close();
  await redis?.stop();
});

/** A replica's limiter on its own Redis connection, as each proxy process has. */
async function replica() {
  const counters = createRedisCounters(
    redis?.url ?? "",
    createLogger({ level: "error", format: "json", write: () => {} }),
  );
  opened.push(counters);
  await counters.ready;
  expect(counters.health().status).toBe("ok");
  return { counters, limiter: createLimiter(counters, Date.now, LEASE_MS) };
}
const admit = async (r: Awaited<ReturnType<typeof replica>>, key = "k1") =>
  (await r.limiter.admit(key, policy)) as Admission | LimitRefusal;

describe.skipIf(!redis)("concurrency slots in Redis", () => {
  test("a slot held by a replica that dies frees itself within a lease; until then it counts", async () => {
    const a = await replica();
    const b = await replica();
    expect(isRefusal(await admit(a))).toBe(false);
    const refused = await admit(b);
    expect(isRefusal(refused) && refused.message).toContain("concurrency limit of 1");
    // The replica dies mid-request: its connection goes, nothing releases the slot.
    a.counters.close();
    const died = performance.now();
    expect(isRefusal(await admit(b))).toBe(true);
    const taken = await eventually(
      "the dead replica's slot to lapse",
      async () => !isRefusal(await admit(b)),
      3000,
    );
    expect(taken).toBe(true);
    // Seconds, not a day: the lease (here 300 ms; 30 s in production) is what it waits for.
    expect(performance.now() - died).toBeLessThan(LEASE_MS * 5);
  });

  test("a request that runs for several leases keeps its slot; finishing frees it at once", async () => {
    const a = await replica();
    const b = await replica();
    const running = await admit(a, "k2");
    if (isRefusal(running)) throw new Error(running.message);
    for (let i = 0; i < 6; i++) {
      await Bun.sleep(LEASE_MS / 2);
      expect(isRefusal(await admit(b, "k2"))).toBe(true);
    }
    // Renewals went to Redis, not to a fallback: the counters never fell back to local counting.
    expect(a.counters.health().status).toBe("ok");
    running.finish(0);
    await eventually("the released slot", async () => !isRefusal(await admit(b, "k2")), 500);
  });
});
