// Anthropic `thinking` and `output_config.effort` → native `think`, with Ollama's precedence.
import type { Think } from "../../../wire/ollama.ts";
import { isRecord, refuse } from "./validate.ts";

export interface Thinking {
  /** undefined: the model's default (thinking models think, others do not). */
  think: Think | undefined;
  /** The level came from `effort`: a model without thinking must be asked again without it. */
  fromEffort: boolean;
  /** `display: "omitted"`: the model thinks, the answer carries no thinking text. */
  show: boolean;
}

const EFFORTS: Readonly<Record<string, Think>> = {
  low: "low",
  medium: "medium",
  high: "high",
  max: "max",
  xhigh: "high",
};

/**
 * `enabled` (and `adaptive`) leave `think` out rather than sending true: Ollama thinks by default on
 * a model that can, and a model that cannot would answer 400 to `true` — Ollama's own /v1/messages
 * relaxes that server-side, which a proxy cannot, so omitting it gives the same result in one call.
 * `budget_tokens` is checked but cannot be enforced separately: max_tokens caps thinking and text.
 */
export function thinkingFrom(thinking: unknown, outputConfig: unknown): Thinking {
  let decided = false;
  let think: Think | undefined;
  let show = true;
  if (thinking != null) {
    if (!isRecord(thinking)) refuse("thinking", "must be an object with a type");
    switch (thinking.type) {
      case "enabled": {
        const budget = thinking.budget_tokens;
        if (budget != null && !(Number.isInteger(budget) && (budget as number) > 0)) {
          refuse("thinking.budget_tokens", "must be a positive integer");
        }
        decided = true;
        break;
      }
      case "disabled":
        decided = true;
        think = false;
        break;
      case "adaptive":
      case "between_tools":
        break;
      default:
        refuse(
          "thinking.type",
          `expected "enabled", "adaptive" or "disabled", got ${JSON.stringify(thinking.type)}`,
        );
    }
    if (thinking.display === "omitted") show = false;
    else if (thinking.display != null && thinking.display !== "summarized") {
      refuse(
        "thinking.display",
        `expected "summarized" or "omitted", got ${JSON.stringify(thinking.display)}`,
      );
    }
  }
  const effort = isRecord(outputConfig) ? outputConfig.effort : undefined;
  if (effort == null) return { think, fromEffort: false, show };
  const level = typeof effort === "string" ? EFFORTS[effort.toLowerCase()] : undefined;
  if (level === undefined) {
    refuse(
      "output_config.effort",
      `expected "low", "medium", "high", "xhigh" or "max", got ${JSON.stringify(effort)}`,
    );
  }
  // As in Ollama: an explicit thinking switch wins over the effort level.
  if (decided) return { think, fromEffort: false, show };
  return { think: level, fromEffort: true, show };
}
