// The soak's mixed traffic: ordinary requests and faults, each checking the answer a client would get.
import { createPrng, type Prng } from "../test/helpers/prng.ts";
import { rawRequest } from "../test/helpers/raw-http.ts";

/** What one request was meant to show, and whether the proxy's answer showed it. */
export interface Outcome {
  scenario: string;
  ok: boolean;
  detail?: string;
}

type Scenario = (base: string, port: number, rng: Prng) => Promise<Outcome>;

const user = (content: string) => [{ role: "user", content }];
const chat = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "llama3.2", messages: user(content), ...extra });

function post(
  base: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(`${base}${path}`, { method: "POST", body, headers, signal });
}

const isAbort = (err: unknown) =>
  err instanceof Error && (err.name === "AbortError" || /abort/i.test(err.message));

function check(scenario: string, ok: boolean, detail: string): Outcome {
  return ok ? { scenario, ok } : { scenario, ok, detail };
}

/** Reads `res` to its end and checks status and body. */
async function expectBody(scenario: string, res: Response, status: number, test: (text: string) => boolean) {
  const text = await res.text();
  return check(scenario, res.status === status && test(text), `${res.status} ${text.slice(-200)}`);
}

const lastLine = (text: string) =>
  JSON.parse(text.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;

/** Starts a slow stream and leaves after `afterMs`: the proxy must drop it and the upstream call. */
async function abandon(scenario: string, start: (signal: AbortSignal) => Promise<Response>, afterMs: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), afterMs);
  try {
    const res = await start(controller.signal);
    await res.text();
    // Finished before the client left: nothing was abandoned, and that is fine too.
    return check(scenario, res.status === 200, `${res.status}`);
  } catch (err) {
    return check(scenario, isAbort(err), String(err));
  } finally {
    clearTimeout(timer);
  }
}

const SCENARIOS: Record<string, Scenario> = {
  "chat stream": async (b) =>
    expectBody("chat stream", await post(b, "/api/chat", chat("hi")), 200, (t) => lastLine(t).done === true),
  "chat one-shot": async (b) =>
    expectBody("chat one-shot", await post(b, "/api/chat", chat("hi", { stream: false })), 200, (t) =>
      t.includes('"done":true'),
    ),
  "v1 stream": async (b) =>
    expectBody("v1 stream", await post(b, "/v1/chat/completions", chat("hi", { stream: true })), 200, (t) =>
      t.trim().endsWith("data: [DONE]"),
    ),
  "v1 one-shot": async (b) =>
    expectBody("v1 one-shot", await post(b, "/v1/chat/completions", chat("hi")), 200, (t) =>
      t.includes('"choices"'),
    ),
  "client aborts a stream": (b, _p, rng) =>
    abandon(
      "client aborts a stream",
      (signal) => post(b, "/api/chat", chat("a long answer"), { "x-fake-chunk-delay-ms": "30" }, signal),
      rng.between(5, 200),
    ),
  "client aborts before the first byte": (b) =>
    abandon(
      "client aborts before the first byte",
      (signal) =>
        post(
          b,
          "/v1/chat/completions",
          chat("hi", { stream: true }),
          { "x-fake-first-byte-delay-ms": "400" },
          signal,
        ),
      50,
    ),
  "upstream fails mid-stream": async (b) =>
    expectBody(
      "upstream fails mid-stream",
      await post(b, "/api/chat", chat("one two three four"), { "x-fake-fail-after-chunks": "2" }),
      200,
      (t) => typeof lastLine(t).error === "string",
    ),
  "upstream fails mid-SSE": async (b) =>
    expectBody(
      "upstream fails mid-SSE",
      await post(b, "/v1/chat/completions", chat("one two three", { stream: true }), {
        "x-fake-fail-after-chunks": "1",
      }),
      200,
      (t) => t.includes('"error"') && !t.includes("[DONE]"),
    ),
  "upstream drops the connection": async (b) =>
    expectBody(
      "upstream drops the connection",
      await post(b, "/api/generate", JSON.stringify({ model: "llama3.2", prompt: "one two three" }), {
        "x-fake-drop-after-chunks": "1",
      }),
      200,
      (t) => typeof lastLine(t).error === "string",
    ),
  "slow first byte": async (b) =>
    expectBody(
      "slow first byte",
      await post(b, "/api/chat", chat("hi"), { "x-fake-first-byte-delay-ms": "300" }),
      200,
      (t) => t.includes('"done":true'),
    ),
  "unknown model": async (b, _p, rng) => {
    const body = JSON.stringify({
      model: `no-such-model-${rng.int(50)}`,
      messages: user("hi"),
      stream: false,
    });
    return expectBody("unknown model", await post(b, "/api/chat", body), 404, (t) => t.includes("not found"));
  },
  agents: async (b, _p, rng) => {
    const command = rng.pick([
      "/concise hi",
      "/translate fr hello",
      "/critique a plan",
      "/redact mail a@b.example",
      "/help",
    ]);
    return expectBody(
      `agent ${command.split(" ")[0]}`,
      await post(b, "/api/chat", chat(command, { stream: rng.chance(0.5) })),
      200,
      (t) => t.includes('"done":true'),
    );
  },
  "malformed body": async (b, _p, rng) => {
    const n = rng.pick([2000, 100_000]);
    const body = rng.chance(0.5)
      ? `{"model":"llama3.2","options":${"[".repeat(n)}${"]".repeat(n)}}`
      : '{"model":';
    const path = rng.pick(["/api/chat", "/v1/chat/completions", "/api/show"]);
    return expectBody(`malformed body ${path}`, await post(b, path, body), 400, (t) => t.includes("error"));
  },
  "raw socket oddities": async (_b, port, rng) => {
    const [head, status] = rng.pick([
      ["GET /health/live HTTP/1.0", 200],
      ["CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443", 405],
      ["GET /api/%zz HTTP/1.1\r\nHost: 127.0.0.1", 400],
    ] as const);
    const res = await rawRequest(port, head, "", 10_000);
    return check("raw socket oddities", res.status === status, `${head.split("\r\n")[0]} → ${res.status}`);
  },
  reads: async (b, _p, rng) => {
    const path = rng.pick(["/api/tags", "/v1/models", "/health", "/api/ps", "/api/version", "/plugins"]);
    return expectBody(`GET ${path}`, await fetch(`${b}${path}`), 200, (t) => t.length > 0);
  },
  embeddings: async (b) =>
    expectBody(
      "embeddings",
      await post(b, "/v1/embeddings", JSON.stringify({ model: "nomic-embed-text", input: ["a", "b"] })),
      200,
      (t) => t.includes('"embedding"'),
    ),
  "client leaves a pull": (b, _p, rng) =>
    abandon(
      "client leaves a pull",
      (signal) =>
        post(
          b,
          "/api/pull",
          JSON.stringify({ model: "tinyllama" }),
          { "x-fake-pull-chunk-delay-ms": "20" },
          signal,
        ),
      rng.between(20, 150),
    ),
};

/** Runs `workers` loops of random scenarios until `until` (a performance.now() time). */
export async function runTraffic(opts: {
  base: string;
  port: number;
  workers: number;
  until: number;
  seed: number;
  onOutcome: (o: Outcome) => void;
}): Promise<void> {
  const names = Object.keys(SCENARIOS);
  await Promise.all(
    Array.from({ length: opts.workers }, async (_, w) => {
      const rng = createPrng(opts.seed + w);
      while (performance.now() < opts.until) {
        const name = rng.pick(names);
        const scenario = SCENARIOS[name] as Scenario;
        opts.onOutcome(
          await scenario(opts.base, opts.port, rng).catch((err) => check(name, false, String(err))),
        );
      }
    }),
  );
}
