// Chain execution: request hooks left→right, transforms innermost first, flush cascade, takeover.
import { describe, expect, test } from "bun:test";
import { prepareChain, runRequestHooks, runTakeover } from "../../../src/agents/chain.ts";
import type { AgentCommand } from "../../../src/agents/chain-types.ts";
import { composeTransforms } from "../../../src/agents/compose-transforms.ts";
import type { AgentDefinition } from "../../../src/agents/types.ts";
import { agent, chatRequest, collect, contextFactory, snapshotOf } from "./helpers.ts";

function chainOf(...definitions: AgentDefinition[]) {
  const commands: AgentCommand[] = definitions.map((d) => ({ name: d.manifest.name, args: [] }));
  return prepareChain(commands, snapshotOf(...definitions), contextFactory());
}

/** An agent that appends its tag to the system prompt and wraps each chunk as tag(...). */
function tagger(tag: string, log: string[]): AgentDefinition {
  return agent(tag, {
    onRequest(request) {
      log.push(`request:${tag}`);
      const last = request.messages.at(-1);
      if (last) last.content += `+${tag}`;
    },
    transformResponse() {
      return {
        chunk: (text) => `${tag}(${text})`,
        flush: () => {
          log.push(`flush:${tag}`);
          return `<${tag}-end>`;
        },
      };
    },
  });
}

describe("request hooks", () => {
  test("run left to right, each seeing the previous one's output", async () => {
    const log: string[] = [];
    const chain = chainOf(tagger("a", log), tagger("b", log), tagger("c", log));
    const out = await runRequestHooks(chain, chatRequest("q"), 1000);
    expect(log).toEqual(["request:a", "request:b", "request:c"]);
    expect(out.messages.at(-1)?.content).toBe("q+a+b+c");
  });

  test("a hook may return a new request instead of editing", async () => {
    const replace = agent("swap", { onRequest: (r) => ({ ...r, model: "other" }) });
    const out = await runRequestHooks(chainOf(replace), chatRequest("q"), 1000);
    expect(out.model).toBe("other");
  });
});

describe("composed transforms", () => {
  test("innermost (rightmost) first; flush cascades outwards through outer chunk()", async () => {
    const log: string[] = [];
    const chain = chainOf(tagger("a", log), tagger("b", log));
    const t = composeTransforms(chain, chatRequest("q"), 1000);
    expect(await t?.chunk("x")).toBe("a(b(x))");
    // b flushes first; its held text goes through a.chunk before a flushes its own.
    expect(await t?.flush?.()).toBe("a(<b-end>)<a-end>");
    expect(log).toEqual(["flush:b", "flush:a"]);
  });

  test("held-back text only reaches outer stages when released; empty pieces are not offered", async () => {
    const seen: string[] = [];
    const holder = agent("holder", {
      transformResponse() {
        let held = "";
        return {
          chunk(text) {
            held += text;
            return "";
          },
          flush: () => held,
        };
      },
    });
    const outer = agent("outer", {
      transformResponse: () => ({
        chunk(text) {
          seen.push(text);
          return text.toUpperCase();
        },
      }),
    });
    const t = composeTransforms(chainOf(outer, holder), chatRequest("q"), 1000);
    expect(await t?.chunk("ab")).toBe("");
    expect(await t?.chunk("cd")).toBe("");
    expect(await t?.flush?.()).toBe("ABCD");
    expect(seen).toEqual(["abcd"]);
  });

  test("null when no agent in the chain transforms", () => {
    const chain = chainOf(agent("plain", { onRequest: () => undefined }));
    expect(composeTransforms(chain, chatRequest("q"), 1000)).toBeNull();
  });

  test("transformResponse receives the final request and the agent's settings", () => {
    let got: unknown;
    const spy = agent("spy", {
      settings: { level: 2 },
      transformResponse(ctx) {
        got = { model: ctx.request.model, level: ctx.settings.level };
        return { chunk: (t) => t };
      },
    });
    composeTransforms(chainOf(spy), { ...chatRequest("q"), model: "m2" }, 1000);
    expect(got).toEqual({ model: "m2", level: 2 });
  });
});

describe("takeover", () => {
  test("the run hook answers; strings become pieces; thinking is kept", async () => {
    const runner = agent("runner", {
      async *run(request) {
        yield { content: "", thinking: "hmm" };
        yield `echo: ${request.messages.at(-1)?.content}`;
      },
    });
    const chain = chainOf(agent("pre", { onRequest: () => undefined }), runner);
    expect(chain.takeover?.agent.name).toBe("runner");
    const pieces = await collect(runTakeover(chain, chatRequest("hi")));
    expect(pieces).toEqual([{ content: "", thinking: "hmm" }, { content: "echo: hi" }]);
  });

  // Two takeover agents never get this far: the parser refuses them (slash-commands.test.ts).
  test("no takeover agent: null", () => {
    expect(runTakeover(chainOf(agent("p", { onRequest: () => undefined })), chatRequest("q"))).toBeNull();
  });
});
