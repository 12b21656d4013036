// Ollama-shaped response bytes for the fake upstream, built once per model name and reused.
const encoder = new TextEncoder();
const CREATED_AT = "2025-01-01T00:00:00.000000Z";
/** Short tokens with leading spaces, like a real model's; none looks like an address or number to /redact. */
const WORDS = [" the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog", " and", " runs"];

/** The one-sentence reply of the plain model, as its tokens: one JSON object or a stream says the same. */
const SMALL_TOKENS = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog."];
const SMALL_TEXT = SMALL_TOKENS.join("");

const tokenCache = new Map<string, Uint8Array[]>();

function cachedLines(key: string, model: string, words: string[]): Uint8Array[] {
  let lines = tokenCache.get(key);
  if (!lines) {
    lines = words.map((word) =>
      encoder.encode(
        `${JSON.stringify({
          model,
          created_at: CREATED_AT,
          message: { role: "assistant", content: word },
          done: false,
        })}\n`,
      ),
    );
    tokenCache.set(key, lines);
  }
  return lines;
}

/** One NDJSON line per word, for `model`; cached because a run uses a handful of model names. */
export function tokenLines(model: string): Uint8Array[] {
  return cachedLines(`words ${model}`, model, WORDS);
}

/**
 * The small answer streamed token by token: what the plain model sends when asked to stream, as
 * Ollama does for a client (or a proxy) that sends `"stream": true` or leaves it out.
 */
export function smallAnswerLines(model: string): Uint8Array[] {
  return cachedLines(`small ${model}`, model, SMALL_TOKENS);
}

export function doneLine(model: string, evalCount: number): Uint8Array {
  return encoder.encode(`${JSON.stringify({ model, created_at: CREATED_AT, ...finalStats(evalCount) })}\n`);
}

function finalStats(evalCount: number) {
  return {
    message: { role: "assistant", content: "" },
    done_reason: "stop",
    done: true,
    total_duration: 1_000_000,
    load_duration: 1_000,
    prompt_eval_count: 12,
    prompt_eval_duration: 10_000,
    eval_count: evalCount,
    eval_duration: 900_000,
  };
}

/** The small non-streaming answer (about 300 bytes, like a one-sentence reply). */
export function SMALL_ANSWER(model: string): string {
  return JSON.stringify({
    model,
    created_at: CREATED_AT,
    ...finalStats(SMALL_TOKENS.length),
    message: { role: "assistant", content: SMALL_TEXT },
  });
}

function modelEntry(name: string) {
  return {
    name,
    model: name,
    modified_at: CREATED_AT,
    size: 1_000_000,
    digest: "0".repeat(64),
    details: { format: "gguf", family: "bench", parameter_size: "1M", quantization_level: "Q4_0" },
  };
}

/** The read-only endpoints the proxy's health and model routes call, as fixed JSON texts. */
export function staticJson(models: string[]): Record<string, string | undefined> {
  const entries = models.map(modelEntry);
  return {
    "/api/version": JSON.stringify({ version: "0.12.0" }),
    "/api/tags": JSON.stringify({ models: entries }),
    "/api/ps": JSON.stringify({
      models: entries.map((m) => ({ ...m, expires_at: CREATED_AT, size_vram: m.size })),
    }),
  };
}
