// A key's access object for one request: the model and agent checks the pipeline runs, and the
// meter it reports tokens and the first piece of the answer to.
import type { TurnAccess } from "../pipeline/turn.ts";
import type { CachedKey } from "./key-cache.ts";
import { authError } from "./refusal.ts";

export interface MeteredAccess extends TurnAccess {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Since the request started, ms; undefined when no answer came. */
  readonly firstTokenMs: number | undefined;
}

export function createTurnAccess(key: CachedKey, startedAt: number): MeteredAccess {
  const { name } = key.record;
  let inputTokens = 0;
  let outputTokens = 0;
  let firstTokenMs: number | undefined;
  return {
    get inputTokens() {
      return inputTokens;
    },
    get outputTokens() {
      return outputTokens;
    },
    get firstTokenMs() {
      return firstTokenMs;
    },
    checkModel(model) {
      if (!key.models.allows(model))
        throw authError(403, `key '${name}' may not use model '${model}'`, "model_not_allowed");
    },
    checkAgents(names) {
      const allowed = key.agents;
      if (!allowed) return;
      const refused = names.filter((n) => !allowed.has(n.toLowerCase()));
      if (refused.length === 0) return;
      const which = `agent${refused.length > 1 ? "s" : ""} ${refused.map((n) => `/${n}`).join(", ")}`;
      throw authError(403, `key '${name}' may not use ${which}`, "agent_not_allowed");
    },
    tokens(input, output) {
      inputTokens += input;
      outputTokens += output;
    },
    firstToken() {
      firstTokenMs ??= performance.now() - startedAt;
    },
  };
}
