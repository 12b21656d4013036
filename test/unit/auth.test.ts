// The auth pieces on their own: signature replay rules on a fake clock, model globs, credential
// forms, limit windows and Retry-After, durations.
import { describe, expect, test } from "bun:test";
import { createLocalCounters } from "../../src/auth/counters.ts";
import { readCredential } from "../../src/auth/credentials.ts";
import { parseDuration } from "../../src/auth/duration.ts";
import { createLimiter, isRefusal, type LimitRefusal } from "../../src/auth/limits.ts";
import { createSignatureChecker, parseSignedHeader } from "../../src/auth/ollama-signature.ts";
import { compileModelRule } from "../../src/auth/policy.ts";
import { parseSshKey } from "../../src/auth/ssh-key.ts";
import { createOllamaSigner } from "../helpers/ollama-signer.ts";

describe("the ollama CLI's signature", () => {
  const signer = createOllamaSigner();
  const ssh = parseSshKey(signer.publicKeyLine) ?? (null as never);
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  const signed = (ts: number, path = "/api/chat") => {
    const { url, authorization } = signer.sign("POST", "http://proxy", path, ts);
    return parseSignedHeader(authorization, new URL(url).searchParams.get("ts")) ?? (null as never);
  };

  test("valid once; the same signature again only within 2 s (the CLI repeats itself within a second)", async () => {
    let now = start;
    const checker = createSignatureChecker(
      createLocalCounters(() => now),
      () => now,
    );
    const cred = signed(start / 1000);
    expect(await checker.verify(cred, ssh, "POST", ["/api/chat"])).toBe("ok");
    now += 1500;
    expect(await checker.verify(cred, ssh, "POST", ["/api/chat"])).toBe("ok");
    now += 1000;
    expect(await checker.verify(cred, ssh, "POST", ["/api/chat"])).toBe("replayed");
  });

  test("ts more than 5 minutes off either way is stale; another method or path does not verify", async () => {
    const checker = createSignatureChecker(
      createLocalCounters(() => start),
      () => start,
    );
    expect(await checker.verify(signed(start / 1000 - 301), ssh, "POST", ["/api/chat"])).toBe("stale");
    expect(await checker.verify(signed(start / 1000 + 301), ssh, "POST", ["/api/chat"])).toBe("stale");
    expect(await checker.verify(signed(start / 1000 - 299), ssh, "POST", ["/api/chat"])).toBe("ok");
    expect(await checker.verify(signed(start / 1000), ssh, "GET", ["/api/chat"])).toBe("bad-signature");
    expect(await checker.verify(signed(start / 1000), ssh, "POST", ["/api/generate"])).toBe("bad-signature");
    // Behind a base path the CLI signs the path it was asked for, without the prefix.
    expect(
      await checker.verify(signed(start / 1000 + 1), ssh, "POST", ["/ollama/api/chat", "/api/chat"]),
    ).toBe("ok");
  });

  test("only the CLI's shape is taken for a signature", () => {
    expect(parseSignedHeader("Bearer abc", "1")).toBeNull();
    expect(parseSignedHeader("abc:def", null)).toBeNull();
    expect(parseSignedHeader("a:b:c", "1")).toBeNull();
    expect(parseSshKey("ssh-rsa AAAAB3NzaC1yc2E")).toBeNull();
    expect(parseSshKey(signer.publicKeyLine)?.raw.byteLength).toBe(32);
  });
});

describe("model globs", () => {
  test("globs match names as Ollama compares them; no globs = every local model", () => {
    const rule = compileModelRule(["llama3*", "qwen3:*"]);
    expect(rule.allows("llama3.2")).toBe(true);
    expect(rule.allows("LLAMA3.2:latest")).toBe(true);
    expect(rule.allows("registry.ollama.ai/library/llama3.2:3b")).toBe(true);
    expect(rule.allows("qwen3:8b")).toBe(true);
    expect(rule.allows("mistral")).toBe(false);
    expect(compileModelRule(undefined).allows("anything")).toBe(true);
    expect(compileModelRule([]).allows("anything")).toBe(false);
  });

  test("cloud models only through a glob that names them", () => {
    expect(compileModelRule(undefined).allows("qwen3:cloud")).toBe(false);
    expect(compileModelRule(["*"]).allows("gpt-oss:120b-cloud")).toBe(false);
    expect(compileModelRule(["*cloud"]).allows("gpt-oss:120b-cloud")).toBe(true);
    expect(compileModelRule(["qwen3:cloud"]).allows("qwen3:cloud")).toBe(true);
  });
});

describe("credentials", () => {
  const read = (headers: Record<string, string>, url = "http://p/api/chat") =>
    readCredential(new Headers(headers), url);
  test("every form gives the key; a malformed header says why", () => {
    expect(read({ authorization: "Bearer osp_x" })).toEqual({ kind: "key", key: "osp_x" });
    expect(read({ authorization: "bearer  osp_x " })).toEqual({ kind: "key", key: "osp_x" });
    expect(read({ "x-api-key": "osp_y" })).toEqual({ kind: "key", key: "osp_y" });
    expect(read({ authorization: `Basic ${btoa("me:osp_z")}` })).toEqual({ kind: "key", key: "osp_z" });
    expect(read({ authorization: `Basic ${btoa("osp_z:")}` })).toEqual({ kind: "key", key: "osp_z" });
    expect(read({})).toEqual({ kind: "none" });
    expect(read({ authorization: "Digest x" }).kind).toBe("malformed");
    expect(read({ authorization: `Basic ${btoa("nocolon")}` }).kind).toBe("malformed");
    expect(read({ authorization: "AAAA:BBBB" }, "http://p/api/tags?ts=12").kind).toBe("signed");
    expect(read({ authorization: "AAAA:BBBB" }).kind).toBe("malformed");
  });
});

describe("limits", () => {
  const at = Date.UTC(2026, 0, 1, 12, 0, 45);
  const limiterAt = () => {
    let now = at;
    return {
      limiter: createLimiter(
        createLocalCounters(() => now),
        () => now,
      ),
      move: (ms: number) => (now += ms),
    };
  };

  test("rpm: the refusal's Retry-After is the rest of the minute; a new minute starts over", async () => {
    const { limiter, move } = limiterAt();
    const policy = { rpm: 2 };
    expect(isRefusal(await limiter.admit("k", policy))).toBe(false);
    expect(isRefusal(await limiter.admit("k", policy))).toBe(false);
    const refused = (await limiter.admit("k", policy)) as LimitRefusal;
    expect(refused).toEqual({
      message: "rate limit of 2 requests per minute reached",
      retryAfterSeconds: 15,
    });
    move(15_000);
    expect(isRefusal(await limiter.admit("k", policy))).toBe(false);
  });

  test("concurrency frees a slot when a request finishes; tokens are charged after", async () => {
    const { limiter, move } = limiterAt();
    const one = await limiter.admit("k", { concurrency: 1, tpm: 10 });
    expect(isRefusal(await limiter.admit("k", { concurrency: 1, tpm: 10 }))).toBe(true);
    if (isRefusal(one)) throw new Error("refused");
    one.finish(12);
    await Bun.sleep(0);
    const over = (await limiter.admit("k", { concurrency: 1, tpm: 10 })) as LimitRefusal;
    expect(over.message).toBe("token limit of 10 tokens per minute reached");
    move(15_000);
    expect(isRefusal(await limiter.admit("k", { concurrency: 1, tpm: 10 }))).toBe(false);
  });

  test("a concurrency slot is a lease: renewed it holds, left alone it lapses, released it frees", () => {
    let now = at;
    const slots = createLocalCounters(() => now);
    expect(slots.acquire("s", "a", 1, 1000)).toBe(1);
    expect(slots.acquire("s", "b", 1, 1000)).toBe(0);
    now += 900;
    slots.renew("s", "a", 1000);
    now += 900;
    expect(slots.acquire("s", "b", 1, 1000)).toBe(0);
    now += 101;
    expect(slots.acquire("s", "b", 1, 1000)).toBe(1);
    // A lapsed holder's renewal does not take the slot back.
    slots.renew("s", "a", 1000);
    expect(slots.acquire("s", "c", 2, 1000)).toBe(1);
    expect(slots.acquire("s", "d", 2, 1000)).toBe(0);
    slots.release("s", "b");
    expect(slots.acquire("s", "d", 2, 1000)).toBe(1);
  });

  test("a daily budget waits for the next UTC day, seeded from stored usage", async () => {
    const { limiter } = limiterAt();
    await limiter.seedBudgets("k", { tokensPerDay: 100 }, 100, 100);
    const refused = (await limiter.admit("k", { tokensPerDay: 100 })) as LimitRefusal;
    expect(refused.retryAfterSeconds).toBe(12 * 3600 - 45);
  });
});

test("durations", () => {
  expect(parseDuration("30d")).toBe(30 * 86_400_000);
  expect(parseDuration("90s")).toBe(90_000);
  expect(parseDuration("2w")).toBe(14 * 86_400_000);
  expect(parseDuration("0d")).toBeNull();
  expect(parseDuration("soon")).toBeNull();
});
