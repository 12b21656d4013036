// Per-request behaviour: the fake's mutable defaults overridden by x-fake-* request headers.
import type { FakeBehaviour } from "./types.ts";

export interface Knobs extends FakeBehaviour {
  /** Number of content chunks (x-fake-chunks); null = one chunk per word. */
  chunks: number | null;
  /** The fail message came from a header, so pulls use it too instead of their own default. */
  failMessageFromHeader: boolean;
  /**
   * x-fake-huge-line-bytes: streams open with one valid JSON line `{"pad":"AAA…"}` of this many bytes
   * (newline not counted), written 64 KB at a time, before their usual lines. Ollama never sends
   * such a line; it tests that a reader bounds what it buffers.
   */
  hugeLineBytes: number | null;
  /**
   * Exact values for the final chunk's metrics, in Ollama's units (counts, nanoseconds):
   * x-fake-prompt-eval-count, x-fake-eval-count, x-fake-load-duration, x-fake-prompt-eval-duration,
   * x-fake-eval-duration. Unset ones keep the fake's own estimates.
   */
  metrics: Record<string, number>;
}

const METRIC_KNOBS = [
  "prompt_eval_count",
  "eval_count",
  "load_duration",
  "prompt_eval_duration",
  "eval_duration",
];

/** A count header: "" / "null" / "none" clears a default; anything unparsable is ignored. */
function countHeader(headers: Headers, name: string): number | null | undefined {
  const raw = headers.get(name);
  if (raw === null) return undefined;
  const v = raw.trim().toLowerCase();
  if (v === "" || v === "null" || v === "none") return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

function delayHeader(headers: Headers, name: string, fallback: number): number {
  const n = countHeader(headers, name);
  return typeof n === "number" ? n : fallback;
}

/** Header values are Latin-1 only, so a reply may be percent-encoded; a literal "%" still works. */
function textHeader(headers: Headers, name: string): string | null {
  const raw = headers.get(name);
  if (raw === null) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function resolveKnobs(behaviour: FakeBehaviour, headers: Headers): Knobs {
  const pick = (name: string, fallback: number | null) => {
    const n = countHeader(headers, name);
    return n === undefined ? fallback : n;
  };
  const failMessage = textHeader(headers, "x-fake-fail-message");
  const chunks = pick("x-fake-chunks", null);
  return {
    firstByteDelayMs: delayHeader(headers, "x-fake-first-byte-delay-ms", behaviour.firstByteDelayMs),
    chunkDelayMs: delayHeader(headers, "x-fake-chunk-delay-ms", behaviour.chunkDelayMs),
    failAfterChunks: pick("x-fake-fail-after-chunks", behaviour.failAfterChunks),
    failMessage: failMessage ?? behaviour.failMessage,
    failMessageFromHeader: failMessage !== null,
    dropAfterChunks: pick("x-fake-drop-after-chunks", behaviour.dropAfterChunks),
    endAfterChunks: pick("x-fake-end-after-chunks", behaviour.endAfterChunks),
    replyText: textHeader(headers, "x-fake-reply") ?? behaviour.replyText,
    pullChunkDelayMs: delayHeader(headers, "x-fake-pull-chunk-delay-ms", behaviour.pullChunkDelayMs),
    pullFailAfterLines: pick("x-fake-pull-fail-after-lines", behaviour.pullFailAfterLines),
    chunks: chunks === 0 ? null : chunks,
    hugeLineBytes: pick("x-fake-huge-line-bytes", null),
    metrics: metricKnobs(headers),
    maxPending: pick("x-fake-max-pending", behaviour.maxPending),
  };
}

function metricKnobs(headers: Headers): Record<string, number> {
  const out: Record<string, number> = {};
  for (const field of METRIC_KNOBS) {
    const n = countHeader(headers, `x-fake-${field.replaceAll("_", "-")}`);
    if (typeof n === "number") out[field] = n;
  }
  return out;
}
