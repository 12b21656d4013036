// `bun bench/inproc.ts [-- proxy flags]`: the proxy's own JavaScript cost per non-streaming /api/chat,
// without sockets on the client side. The fake upstream runs as its own process; this process builds
// the proxy exactly as `src/main.ts` does and calls `app.fetch` 64 at a time, against a floor handler
// (fetch upstream, return its response) in interleaved rounds. CPU is this process's JavaScript
// thread's time per request (fetch's own HTTP thread is not in it). Much steadier than wrk on a
// busy machine; `bun --cpu-prof bench/inproc.ts` shows where the proxy's share goes.
//
// INPROC_REQUESTS (per round, 20000), INPROC_ROUNDS (5), INPROC_CONCURRENCY (64); INPROC_ONLY=proxy
// leaves the floor out (for a profile of the proxy alone). INPROC_VARIANTS="a;b" builds one proxy per
// variant with EXP=a, EXP=b set while it is composed (for experiments that read process.env.EXP),
// measured in the same interleaved rounds. INPROC_CHECKOUTS="../a;../b" builds the proxy of each
// checkout instead (each its own module graph), for an A/B of two builds in one process.
// INPROC_CANNED=1: /api/chat is answered in-process from precomputed bytes (no socket at all), so
// only the proxy's JavaScript is measured, and the floor is the canned answer alone: far steadier
// figures on a busy machine, for changes of a few µs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { PLAIN_MODEL } from "./lib/models.ts";
import { startHelper } from "./lib/processes.ts";
import { SMALL_ANSWER } from "./upstream/answers.ts";

const perRound = Number(process.env.INPROC_REQUESTS ?? 20_000);
const rounds = Number(process.env.INPROC_ROUNDS ?? 5);
const concurrency = Number(process.env.INPROC_CONCURRENCY ?? 64);
const extraFlags = process.argv.slice(2);

const upstream = await startHelper("upstream/fake-upstream.ts", { BENCH_MODELS: PLAIN_MODEL });
const canned = process.env.INPROC_CANNED === "1";
const answer = new TextEncoder().encode(SMALL_ANSWER(PLAIN_MODEL));
const cannedChat = () =>
  new Response(answer, { headers: { "content-type": "application/json; charset=utf-8" } });
/** The upstream's fetch: with INPROC_CANNED, chats never leave the process. */
const upstreamFetch = (input: string | URL | Request, init?: RequestInit) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  if (canned && url.endsWith("/api/chat")) return Promise.resolve(cannedChat());
  const drop = process.env.INPROC_DROP?.split(",") ?? [];
  if (drop.length && init) {
    const trimmed: Record<string, unknown> = { ...init };
    for (const key of drop) delete trimmed[key];
    return fetch(input, trimmed as RequestInit);
  }
  return fetch(input, init);
};
const checkouts = process.env.INPROC_CHECKOUTS?.split(";") ?? [path.resolve(import.meta.dir, "..")];
const variants = process.env.INPROC_VARIANTS?.split(";") ?? [""];
const proxies: Array<{ name: string; app: { fetch: Function }; stop?: () => Promise<void> }> = [];
for (const checkout of checkouts) {
  const root = path.resolve(checkout);
  const { composeProxy } = await import(path.join(root, "src/compose.ts"));
  const { loadConfig } = await import(path.join(root, "src/config/index.ts"));
  const { createLogger } = await import(path.join(root, "src/log.ts"));
  const loaded = loadConfig({
    argv: ["--ollama-url", upstream.url, ...extraFlags],
    env: {},
    cwd: process.cwd(),
    version: "bench",
  });
  if (loaded.kind !== "config") throw new Error(`config: ${JSON.stringify(loaded)}`);
  // The access log is on by default and its lines are part of the cost: they go where stderr goes.
  const logger = createLogger({ level: loaded.config.logLevel, format: loaded.config.logFormat });
  for (const variant of variants) {
    process.env.EXP = variant;
    const composed = await composeProxy({
      config: loaded.config,
      logger,
      version: "bench",
      ...(canned || process.env.INPROC_DROP ? { fetch: upstreamFetch } : {}),
    });
    const label = [checkouts.length > 1 ? path.basename(root) : "", variant].filter(Boolean).join(" ");
    proxies.push({ ...composed, name: label ? `proxy[${label}]` : "proxy" });
  }
}
// What Bun.serve hands the app as its env: the idle-timeout setter and the client's address.
const env = { timeout: () => {}, requestIP: () => ({ address: "127.0.0.1", family: "IPv4", port: 1 }) };

const body = JSON.stringify({
  model: PLAIN_MODEL,
  stream: false,
  messages: [{ role: "user", content: "Say hello in one short sentence." }],
});
const request = (base: string) =>
  new Request(`${base}/api/chat`, {
    method: "POST",
    // As a client sends it: Bun.serve's requests carry the length the client gave.
    headers: { "content-type": "application/json", host: "127.0.0.1", "content-length": String(body.length) },
    body,
  });

type Handler = (req: Request) => Response | Promise<Response>;
const floor: Handler = (req) =>
  fetch(upstream.url + new URL(req.url).pathname, {
    method: req.method,
    headers: req.headers,
    body: req.body,
  });

/**
 * CPU of this process's JavaScript thread, in µs: the agents' worker threads and fetch's HTTP thread
 * of every proxy built here are left out (their idle work made process-wide figures swing by tens of
 * µs per request). Read from /proc in clock ticks, so a round must run for a second or more.
 */
const TICK_US = 10_000;
function jsThreadUs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

async function round(handler: Handler): Promise<{ cpuUs: number; rps: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const cpu0 = jsThreadUs();
  const t0 = performance.now();
  const worker = async () => {
    while (next++ < perRound) {
      const res = await handler(request("http://127.0.0.1:1"));
      await res.arrayBuffer();
      if (res.status !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = jsThreadUs() - cpu0;
  const seconds = (performance.now() - t0) / 1000;
  return { cpuUs: cpu / perRound, rps: perRound / seconds, failed };
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const results: Record<string, number[]> = { floor: [] };
const named: Array<[string, Handler]> = [["floor", floor]];
for (const proxy of proxies) {
  results[proxy.name] = [];
  named.push([proxy.name, (req) => proxy.app.fetch(req, env)]);
}
const subjects = named.filter(
  ([name]) => !process.env.INPROC_ONLY || (process.env.INPROC_ONLY === "proxy") === name.startsWith("proxy"),
);
for (const [, handler] of subjects) await round(handler);
for (let i = 0; i < rounds; i++) {
  for (const [name, handler] of subjects) {
    const r = await round(handler);
    results[name]?.push(r.cpuUs);
    say(
      `round ${i + 1} ${name}: ${r.cpuUs.toFixed(1)} µs CPU/request, ${Math.round(r.rps)} req/s${r.failed ? `, ${r.failed} failed` : ""}`,
    );
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const f = median(results.floor ?? []);
for (const [name, xs] of Object.entries(results)) {
  if (name === "floor" || !xs.length) continue;
  const p = median(xs);
  say(
    `${name}: median ${p.toFixed(1)} µs (min ${Math.min(...xs).toFixed(1)}), floor ${f.toFixed(1)} µs: proxy's own ${(p - f).toFixed(1)} µs, ${(p / f).toFixed(2)}× floor`,
  );
}
for (const proxy of proxies) await proxy.stop?.();
await upstream.stop();
process.exit(0);
