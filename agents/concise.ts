// /concise: asks the model for a brief answer by adding to (or creating) the system prompt.
import type { AgentDefinition } from "../src/agents/types.ts";
import { addSystemPrompt } from "./_system-prompt.ts";

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
