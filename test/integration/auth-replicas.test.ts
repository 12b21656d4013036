// Two proxy processes sharing a real PostgreSQL and a real Redis: one rpm limit between them, keys
// made and revoked by the `keys` command counting in both within 2 s, usage from both, Redis loss.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { createOllamaSigner } from "../helpers/ollama-signer.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { startRedis } from "../helpers/redis.ts";
import { ROOT, type SpawnedProxy, spawnProxy } from "../helpers/spawn-proxy.ts";

const pg = await startPostgres();
const redis = await startRedis();
const SECRET = "test-secret-shared-by-replicas";

let fake: FakeOllama;
let a: SpawnedProxy;
let b: SpawnedProxy;

async function keysCommand(...args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  const proc = Bun.spawn([process.execPath, "src/index.ts", "keys", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: pg?.url, AUTH_SECRET: SECRET },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, lines: out.trimEnd().split("\n"), stderr: err };
}

const chat = (proxy: SpawnedProxy, key: string, content = "hello there") =>
  fetch(`${proxy.url}/api/chat`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content }], stream: false }),
  });

describe.skipIf(!pg || !redis)("replicas on PostgreSQL and Redis", () => {
  let team: string;
  let free: string;
  const signer = createOllamaSigner();
  beforeAll(async () => {
    fake = await startFakeOllama();
    const made = await keysCommand("create", "--name", "team", "--rpm", "4");
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    team = made.lines.at(-1) as string;
    free = (await keysCommand("create", "--name", "free", "--ssh-key", signer.publicKeyLine)).lines.at(
      -1,
    ) as string;
    const env = {
      AUTH: "keys",
      DATABASE_URL: pg?.url,
      AUTH_SECRET: SECRET,
      REDIS_URL: redis?.url,
      OLLAMA_URL: fake.url,
    };
    [a, b] = await Promise.all([
      spawnProxy({ args: ["--port", "0"], env }),
      spawnProxy({ args: ["--port", "0"], env }),
    ]);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await fake?.stop();
    await redis?.stop();
    await pg?.stop();
  });

  test("the keys command prints the new key alone on the last line", () => {
    expect(team).toMatch(/^osp_[A-Za-z0-9_-]{43}$/);
  });

  test("one requests-per-minute limit between two processes, with Retry-After", async () => {
    // Near a minute's end the window could turn over between requests: start in a fresh one.
    const intoMinute = (Date.now() % 60_000) / 1000;
    if (intoMinute > 55) await Bun.sleep((61 - intoMinute) * 1000);
    const statuses = [];
    for (const proxy of [a, b, a, b]) statuses.push((await chat(proxy, team)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const refusedA = await chat(a, team);
    const refusedB = await chat(b, team);
    expect([refusedA.status, refusedB.status]).toEqual([429, 429]);
    expect(Number(refusedB.headers.get("retry-after"))).toBeGreaterThan(0);
    // Up to 6 s waiting for a fresh minute.
  }, 15_000);

  test("a key revoked with the keys command is refused by both within 2 s", async () => {
    const made = await keysCommand("create", "--name", "temp");
    const temp = made.lines.at(-1) as string;
    const madeAt = Date.now();
    const known = async (p: SpawnedProxy) => {
      while ((await chat(p, temp)).status !== 200 && Date.now() - madeAt < 3000) await Bun.sleep(100);
      return Date.now() - madeAt;
    };
    expect(Math.max(...(await Promise.all([known(a), known(b)])))).toBeLessThan(2000);
    expect((await keysCommand("revoke", "temp")).code).toBe(0);
    const revokedAt = Date.now();
    const gone = async (p: SpawnedProxy) => {
      while ((await chat(p, temp)).status !== 401) await Bun.sleep(100);
      return Date.now() - revokedAt;
    };
    const [ta, tb] = await Promise.all([gone(a), gone(b)]);
    expect(Math.max(ta, tb)).toBeLessThan(2000);
  });

  test("a signature used on one replica is a replay on the other once its 2 s are over", async () => {
    const signed = signer.sign("GET", "", "/api/tags");
    const send = (p: SpawnedProxy) =>
      fetch(p.url + signed.url, { headers: { authorization: signed.authorization } });
    expect((await send(a)).status).toBe(200);
    // The CLI itself repeats a signature within its second: still accepted, on either replica.
    expect((await send(b)).status).toBe(200);
    await Bun.sleep(2100);
    const replayed = await send(b);
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { error: string }).error).toContain("replayed");
  });

  test("losing Redis: both keep serving on local counters and /health says so", async () => {
    const counters = async () =>
      (
        (await (await fetch(`${a.url}/health`, { headers: { authorization: `Bearer ${free}` } })).json()) as {
          auth: { counters: { status: string } };
        }
      ).auth.counters.status;
    const becomes = async (wanted: string) => {
      const deadline = Date.now() + 6000;
      let status = await counters();
      while (status !== wanted && Date.now() < deadline) {
        await Bun.sleep(100);
        status = await counters();
      }
      return status;
    };
    await redis?.stop();
    // A limited key's counters go to Redis on every request: they fall back to this process's own at
    // once, which start from zero, so the key is served again.
    expect((await chat(a, team)).status).toBe(200);
    expect((await chat(b, free)).status).toBe(200);
    expect(await becomes("degraded")).toBe("degraded");
    // Log lines go out in batches: give the last one a moment.
    for (let i = 0; i < 20 && !a.lines.some((l) => String(l.msg).startsWith("redis unreachable")); i++)
      await Bun.sleep(50);
    expect(a.lines.some((l) => String(l.msg).startsWith("redis unreachable"))).toBe(true);
    await redis?.restart();
    expect(await becomes("ok")).toBe("ok");
  });

  test("usage from both processes reaches PostgreSQL, written on a graceful stop at the latest", async () => {
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
    const usage = await keysCommand("usage", "team", "--json");
    expect(usage.stderr).toBe("");
    const rows = JSON.parse(usage.lines.join("\n")) as Array<Record<string, number | string>>;
    const answered = rows.find((r) => r.route === "/api/chat" && r.model === "llama3.2");
    const refused = rows.find((r) => r.route === "/api/chat" && r.model === "");
    // Five answered (2 prompt + 4 answer tokens each, as the fake counts) and two refused before a model was read.
    expect(answered).toMatchObject({ requests: 5, errors: 0, inputTokens: 10, outputTokens: 20 });
    expect(refused).toMatchObject({ requests: 2, errors: 2, inputTokens: 0 });
    const table = await keysCommand("usage", "--since", "1d");
    expect(table.lines[0]).toContain("IN_TOKENS");
    expect(table.lines.some((l) => l.startsWith("team"))).toBe(true);
  });
});
