// /expert <role>: the model answers as an expert in the given role ("tax lawyer", chemist, ...).
import type { AgentDefinition } from "../src/agents/types.ts";
import { addSystemPrompt } from "./_system-prompt.ts";

const expert: AgentDefinition = {
  manifest: {
    name: "expert",
    description: "Answers as an expert in the role you name.",
    version: "1.0.0",
    args: [{ name: "role", description: 'the expertise, one word or a "quoted phrase"' }],
    usage: "/expert <role> <your question>",
    examples: ["/expert chemist why does ice float?", '/expert "tax lawyer" can I deduct my home office?'],
  },
  onRequest(request, ctx) {
    const role = (ctx.args[0] ?? "").trim();
    addSystemPrompt(
      request,
      `You are an expert ${role} with many years of practice. Answer with the precision, vocabulary ` +
        `and judgement of a seasoned ${role}; state assumptions, and say plainly when something ` +
        "is outside your field or uncertain.",
    );
  },
};

export default expert;
