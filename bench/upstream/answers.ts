// Ollama-shaped response bytes for the fake upstream, built once per model name and reused.
const encoder = new TextEncoder();
const CREATED_AT = "2025-01-01T00:00:00.000000Z";
/** Short tokens with leading spaces, like a real model's; none looks like an address or number to /redact. */
const WORDS = [" the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog", " and", " runs"];

const tokenCache = new Map<string, Uint8Array[]>();

/** One NDJSON line per word, for `model`; cached because a run uses a handful of model names. */
export function tokenLines(model: string): Uint8Array[] {
  let lines = tokenCache.get(model);
  if (!lines) {
    lines = WORDS.map((word) =>
      encoder.encode(
        `${JSON.stringify({
          model,
          created_at: CREATED_AT,
          message: { role: "assistant", content: word },
          done: false,
        })}\n`,
      ),
    );
    tokenCache.set(model, lines);
  }
  return lines;
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
    ...finalStats(9),
    message: { role: "assistant", content: "The quick brown fox jumps over the lazy dog." },
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
