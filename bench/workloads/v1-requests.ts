// Workload 1b: the same small non-streaming chat through /v1/chat/completions and /api/chat of one
// proxy, at 64 connections in the same rounds, so the proxy's CPU per request can be compared.
import { type LoadSample, loadCase } from "../lib/load.ts";
import { interleave, type Samples } from "../lib/rounds.ts";
import type { RunContext } from "../lib/run-context.ts";
import { SMALL_CHAT } from "./requests.ts";

export const V1_CONNECTIONS = 64;

/** Case labels; the first is the reference the /v1 route's CPU is divided by. */
export const NATIVE_ROUTE = "proxy /api/chat";
export const V1_ROUTE = "proxy /v1/chat/completions";
type RouteLabel = typeof NATIVE_ROUTE | typeof V1_ROUTE;

/** One body for both: Ollama's and OpenAI's chat requests agree on `model`, `messages` and `stream`. */
const ROUTES: Record<RouteLabel, { path: string; body: unknown }> = {
  [NATIVE_ROUTE]: { path: "/api/chat", body: SMALL_CHAT },
  [V1_ROUTE]: { path: "/v1/chat/completions", body: SMALL_CHAT },
};

export type V1RequestsResult = { samples: Samples<LoadSample> } | { missing: string };

export async function runV1Requests(ctx: RunContext): Promise<V1RequestsResult> {
  ctx.progress(`workload 1b: non-streaming /v1/chat/completions vs /api/chat, concurrency ${V1_CONNECTIONS}`);
  const [proxy] = ctx.chain(["proxy"]);
  const native = await answerText(`${proxy!.url}/api/chat`, ROUTES[NATIVE_ROUTE].body, "native");
  const v1 = await answerText(`${proxy!.url}/v1/chat/completions`, ROUTES[V1_ROUTE].body, "openai");
  // Both must work and say the same, or the CPU ratio would compare an error with an answer.
  for (const check of [native, v1]) if (check.error) return { missing: `broken: ${check.error}` };
  if (native.text !== v1.text)
    return { missing: `broken: /v1 answered "${v1.text}", /api/chat answered "${native.text}"` };
  const cases = (Object.keys(ROUTES) as RouteLabel[]).map((label) =>
    loadCase({
      label,
      url: proxy!.url + ROUTES[label].path,
      body: ROUTES[label].body,
      connections: V1_CONNECTIONS,
      duration: ctx.config.duration,
      warmup: ctx.config.warmup,
      pid: proxy!.pid,
    }),
  );
  return { samples: await interleave(cases, ctx.config.rounds) };
}

interface AnswerCheck {
  text?: string;
  error?: string;
}

/** One request before measuring: the route answers 200 with the assistant's text in its dialect. */
async function answerText(url: string, body: unknown, dialect: "native" | "openai"): Promise<AnswerCheck> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  const where = new URL(url).pathname;
  if (res.status !== 200) return { error: `${where} answered HTTP ${res.status}: ${raw.slice(0, 200)}` };
  try {
    const json = JSON.parse(raw) as {
      message?: { content?: string };
      choices?: Array<{ message?: { content?: string } }>;
    };
    const text = dialect === "native" ? json.message?.content : json.choices?.[0]?.message?.content;
    if (typeof text === "string" && text !== "") return { text };
  } catch {
    // not JSON: reported below
  }
  return { error: `${where} gave no assistant text: ${raw.slice(0, 200)}` };
}
