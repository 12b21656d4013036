// A key's access object for one request: the model and agent checks the pipeline runs before it
// calls Ollama or any agent. What the request used is counted from its record (auth/middleware.ts).
import type { TurnAccess } from "../pipeline/turn.ts";
import type { CachedKey } from "./key-cache.ts";
import { authError } from "./refusal.ts";

export function createTurnAccess(key: CachedKey, lists: (model: string) => boolean): TurnAccess {
  const { name } = key.record;
  return {
    name,
    lists,
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
  };
}
