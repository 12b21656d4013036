// /critique: drafts an answer, has the model critique the draft, then streams the improved answer.
import type { AgentDefinition, AgentMessage } from "../src/agents/types.ts";

const REVIEWER =
  "You are a demanding reviewer. Point out factual errors, missing steps, unclear wording and " +
  "anything that does not answer the question. Be specific and brief: a short list, no rewrite.";

const critique: AgentDefinition = {
  manifest: {
    name: "critique",
    description: "Drafts an answer, critiques it, and sends you the improved version (three model calls).",
    version: "1.0.0",
    usage: "/critique <your question>",
    examples: ["/critique explain how TLS certificate chains are verified"],
  },
  // `reviewerModel`: let another (e.g. larger) model write the critique; empty = the chat's model.
  settings: { reviewerModel: "" },

  // Takes over the turn: the proxy streams what this yields instead of making its own model call.
  // Every ctx.model call carries the request's abort signal, so a client that leaves stops them all.
  async *run(request, ctx) {
    const { options, format } = request;
    // Thinking pieces tell a waiting UI what is happening; only sent when the client asked for thinking.
    const progress = (note: string) => (request.think ? [{ content: "", thinking: `${note}\n` }] : []);

    yield* progress("Drafting an answer…");
    const draft = await ctx.model.complete({ messages: request.messages, options });

    yield* progress("Reviewing the draft…");
    const question = lastUserText(request.messages);
    const reviewerModel = typeof ctx.settings.reviewerModel === "string" ? ctx.settings.reviewerModel : "";
    const review = await ctx.model.complete({
      ...(reviewerModel ? { model: reviewerModel } : {}),
      messages: [
        { role: "system", content: REVIEWER },
        { role: "user", content: `Question:\n${question}\n\nDraft answer:\n${draft}` },
      ],
    });

    yield* progress("Writing the improved answer…");
    yield* ctx.model.stream({
      messages: [
        ...request.messages,
        { role: "assistant", content: draft },
        {
          role: "user",
          content:
            `A reviewer commented on your answer:\n${review}\n\nWrite the improved, final answer to my ` +
            "question. Answer it directly; do not mention the draft, the review or these instructions.",
        },
      ],
      options,
      format,
    });
  },
};

function lastUserText(messages: AgentMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === "user") return m.content;
  }
  return "";
}

export default critique;
