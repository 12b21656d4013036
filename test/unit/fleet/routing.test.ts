// The fleet's pure parts: ranking servers for a model, the circuit breaker, the fair queue.
import { expect, test } from "bun:test";
import { ProxyError } from "../../../src/errors.ts";
import { Breaker } from "../../../src/fleet/breaker.ts";
import { rankMembers } from "../../../src/fleet/choose.ts";
import { Member } from "../../../src/fleet/member.ts";
import { FairQueue } from "../../../src/fleet/queue.ts";
import { compareVersions } from "../../../src/fleet/views.ts";

const tuning = () => ({ failures: 2, backoffMs: 100 });
function member(
  name: string,
  models: string[] | null,
  opts: { loaded?: string[]; max?: number; weight?: number } = {},
) {
  const m = new Member(
    { name, url: `http://${name}:11434`, maxConcurrent: opts.max ?? 0, weight: opts.weight ?? 1 },
    { idleTimeoutMs: 0, breaker: tuning },
  );
  if (models) m.models = new Map(models.map((k) => [k, { name: k }]));
  for (const k of opts.loaded ?? []) m.loaded.set(k, { name: k });
  return m;
}
const names = (list: Member[]) => list.map((m) => m.name);

test("only servers that have the model; the one where it is loaded first, then the least busy for its weight", () => {
  const a = member("a", ["x:latest"]);
  const b = member("b", ["x:latest"], { loaded: ["x:latest"] });
  const c = member("c", ["y:latest"]);
  expect(names(rankMembers([a, b, c], "x:latest", 0).healthy)).toEqual(["b", "a"]);
  expect(rankMembers([a, b, c], "x:latest", 0).reason).toBe("warm");
  b.loaded.clear();
  a.inFlight = 2;
  b.inFlight = 3;
  b.spec = { ...b.spec, weight: 2 };
  expect(names(rankMembers([a, b, c], "x:latest", 0).healthy)).toEqual(["b", "a"]);
});

test("a model nobody lists may be on any server; a server whose list is not read yet may have it", () => {
  const a = member("a", ["x:latest"]);
  const b = member("b", null);
  expect(names(rankMembers([a, b], "z:latest", 0).healthy)).toEqual(["a", "b"]);
  expect(names(rankMembers([a, b], "x:latest", 0).healthy)).toEqual(["a", "b"]);
  expect(rankMembers([a], "z:latest", 0).reason).toBe("no server lists the model");
});

test("a full server sorts after every free one; affinity wins when the server has room", () => {
  const a = member("a", ["x:latest"], { loaded: ["x:latest"], max: 1 });
  const b = member("b", ["x:latest"]);
  a.inFlight = 1;
  expect(names(rankMembers([a, b], "x:latest", 0).healthy)).toEqual(["b", "a"]);
  a.inFlight = 0;
  expect(names(rankMembers([a, b], "x:latest", 0, "b").healthy)).toEqual(["b", "a"]);
  expect(rankMembers([a, b], "x:latest", 0, "b").reason).toBe("affinity");
});

test("unhealthy servers are only a fallback, soonest to reopen first", () => {
  const a = member("a", ["x:latest"]);
  const b = member("b", ["x:latest"]);
  a.lastError = "connection refused";
  expect(names(rankMembers([a, b], "x:latest", 0).healthy)).toEqual(["b"]);
  expect(names(rankMembers([a, b], "x:latest", 0).fallback)).toEqual(["a"]);
});

test("the breaker opens after N failures in a row, lets one probe through after its backoff, doubles it when the probe fails", () => {
  const br = new Breaker(tuning);
  br.failure(0);
  expect(br.state).toBe("closed");
  br.failure(0);
  expect([br.state, br.allows(50), br.allows(100)]).toEqual(["open", false, true]);
  br.failure(50); // a request already in flight when it opened: no longer wait
  expect(br.openUntil).toBe(100);
  br.sending(100);
  expect([br.state, br.allows(100)]).toEqual(["half-open", false]);
  br.failure(120);
  expect([br.state, br.openUntil]).toEqual(["open", 320]);
  br.sending(320);
  br.success();
  expect([br.state, br.failuresInRow, br.allows(320)]).toEqual(["closed", 0, true]);
});

test("the queue serves in arrival order, refuses past its length and its wait with a Retry-After", async () => {
  const queue = new FairQueue<string>(() => ({ max: 2, waitMs: 60_000 }));
  const signal = new AbortController().signal;
  let free = 0;
  const take = (label: string) => () => {
    if (free === 0) return null;
    free--;
    return label;
  };
  const positions: number[] = [];
  const first = queue.wait(take("first"), signal);
  const second = queue.wait(take("second"), signal, (p) => positions.push(p));
  const refused = await queue.wait(take("third"), signal).catch((e) => e);
  expect(refused).toBeInstanceOf(ProxyError);
  expect([refused.status, refused.retryAfterSeconds]).toEqual([503, 15]);
  free = 1;
  queue.drain();
  expect(await first).toBe("first");
  expect(positions).toEqual([2, 1]);
  free = 1;
  queue.drain();
  expect(await second).toBe("second");

  const short = new FairQueue<string>(() => ({ max: 5, waitMs: 20 }));
  const late = await short.wait(() => null, signal).catch((e) => e);
  expect(late.status).toBe(503);
  expect(short.length).toBe(0);
});

test("versions compare by their numbers, a pre-release before its release", () => {
  expect(["0.13.0", "0.9.2", "0.12.10", "0.12.6-rc1", "0.12.6"].sort(compareVersions)).toEqual([
    "0.9.2",
    "0.12.6-rc1",
    "0.12.6",
    "0.12.10",
    "0.13.0",
  ]);
});
