// A template agent showing every hook: copy this file, rename it, and change what it does.
//
// Try it: `/example hi`. The model is asked to end with a smiley, the transform turns every ":)"
// into "🙂" (even when ":" and ")" arrive in different chunks), and a footer proves it ran.
import type { AgentDefinition } from "../src/agents/types.ts";

const example: AgentDefinition = {
  // The manifest is what /help and GET /plugins show; `name` is the command (`/example`).
  manifest: {
    name: "example",
    description: "Shows how agents work: adds a system note and decorates the answer.",
    version: "1.0.0",
    // No positional args: everything after `/example` is the user's message (ctx.input).
    // With `args: [{ name: "style", description: "..." }]`, `/example pirate hi` would give
    // ctx.args = ["pirate"] and the message "hi".
    usage: "/example <your message>",
    examples: ["/example hi", "/concise /example what is a proxy?"],
  },

  // Defaults an operator can override: AGENT_SETTINGS='{"example":{"footer":false}}'.
  settings: { footer: true },

  // 1. Rewrite the request before it goes upstream. Edit it in place (or return a new one).
  onRequest(request, ctx) {
    request.messages.unshift({
      role: "system",
      content: "The user is trying the example agent. Answer normally, then end with a smiley :)",
    });
    ctx.logger.debug("example agent active", { input: ctx.input });
  },

  // 2. Transform the streamed answer. Called once per response; the returned object keeps state.
  transformResponse(ctx) {
    let held = ""; // a trailing ":" that may become ":)" once the next chunk arrives
    let characters = 0;
    return {
      chunk(text) {
        const joined = held + text;
        // Hold back only what could still turn into a match: a final ":".
        held = joined.endsWith(":") ? ":" : "";
        const ready = held ? joined.slice(0, -1) : joined;
        characters += ready.length;
        return ready.replaceAll(":)", "🙂");
      },
      flush() {
        // Called once at the end: release what was held back, plus anything you want to add.
        characters += held.length;
        const footer = ctx.settings.footer === false ? "" : `\n\n— example agent (${characters} characters)`;
        return held + footer;
      },
    };
  },

  // 3. `run(request, ctx)` (not used here) would replace the model call entirely: an async
  //    generator yielding text, calling `ctx.model.complete()` / `ctx.model.stream()` as it likes.
  //    See agents/critique.ts.
};

export default example;
