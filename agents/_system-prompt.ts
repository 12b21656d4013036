// Shared by agents that add instructions: extends the system prompt (the loader skips `_` files).
import type { AgentRequest } from "../src/agents/types.ts";

/** Extends an existing system prompt rather than adding a second one: some models read only one. */
export function addSystemPrompt(request: AgentRequest, text: string): void {
  const system = request.messages.find((m) => m.role === "system");
  if (system) system.content = system.content ? `${system.content}\n\n${text}` : text;
  else request.messages.unshift({ role: "system", content: text });
}
