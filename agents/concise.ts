// /concise: asks the model for a brief answer by adding to (or creating) the system prompt.
import type { AgentDefinition, AgentRequest } from "../src/agents/types.ts";

function addSystemPrompt(request: AgentRequest, text: string): void {
  const system = request.messages.find((m) => m.role === "system");
  // Extend an existing system prompt rather than adding a second one: some models read only one.
  if (system) system.content = system.content ? `${system.content}\n\n${text}` : text;
  else request.messages.unshift({ role: "system", content: text });
}

const concise: AgentDefinition = {
  manifest: {
    name: "concise",
    description: "Makes the model answer briefly, without preamble.",
    version: "1.0.0",
    usage: "/concise <your message>",
    examples: ["/concise why is the sky blue?", "/concise /translate de How are you?"],
  },
  settings: { maxSentences: 3 },
  onRequest(request, ctx) {
    const max = Number(ctx.settings.maxSentences) || 3;
    addSystemPrompt(
      request,
      `Be concise: answer in at most ${max} sentences. No preamble, no repeating the question, ` +
        "no closing remarks. Use a short list only when the answer is a list.",
    );
  },
};

export default concise;
