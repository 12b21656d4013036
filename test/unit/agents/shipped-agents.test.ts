// The agents shipped in agents/: each hook, run through the chain machinery with a fake model.
import { describe, expect, test } from "bun:test";
import concise from "../../../agents/concise.ts";
import critique from "../../../agents/critique.ts";
import example from "../../../agents/example.ts";
import expert from "../../../agents/expert.ts";
import translate from "../../../agents/translate.ts";
import { prepareChain, runRequestHooks, runTakeover } from "../../../src/agents/chain.ts";
import { composeTransforms } from "../../../src/agents/compose-transforms.ts";
import { parseSlashCommands } from "../../../src/agents/slash-commands.ts";
import type { AgentRequest, ModelClient } from "../../../src/agents/types.ts";
import { validateDefinition } from "../../../src/agents/validate.ts";
import { chatRequest, collect, contextFactory, fakeModel, snapshotOf } from "./helpers.ts";

const all = [concise, critique, example, expert, translate];
const snapshot = snapshotOf(...all);

/** Parses `text` like the pipeline does and runs the request hooks. */
async function prepare(text: string, request: AgentRequest = chatRequest(""), model?: ModelClient) {
  const parsed = parseSlashCommands(text, snapshot);
  if (parsed.kind !== "chain") throw new Error(`expected a chain, got ${parsed.kind}`);
  const last = request.messages.at(-1);
  if (last) last.content = parsed.text;
  const chain = prepareChain(parsed.commands, snapshot, contextFactory(model, parsed.text));
  return { chain, request: await runRequestHooks(chain, request, 1000) };
}

const systemOf = (r: AgentRequest) => r.messages.filter((m) => m.role === "system").map((m) => m.content);

test("every shipped agent passes validation", () => {
  for (const definition of all) expect(validateDefinition(definition).ok).toBe(true);
});

describe("concise and expert", () => {
  test("/concise adds a system prompt, or extends the existing one", async () => {
    expect(systemOf((await prepare("/concise why?")).request)[0]).toContain("at most 3 sentences");
    const { request } = await prepare("/concise why?", chatRequest("", "You are Bob."));
    expect(systemOf(request)).toHaveLength(1);
    expect(systemOf(request)[0]).toStartWith("You are Bob.\n\nBe concise");
  });

  test('/expert "tax lawyer" puts the role in the system prompt', async () => {
    const { request } = await prepare('/expert "tax lawyer" can I deduct it?');
    expect(systemOf(request)[0]).toContain("You are an expert tax lawyer");
    expect(request.messages.at(-1)?.content).toBe("can I deduct it?");
  });
});

describe("translate", () => {
  test("/translate fr Good morning: a translator prompt replacing any persona", async () => {
    const { request } = await prepare("/translate fr Good morning", chatRequest("", "You are a pirate."));
    expect(systemOf(request)).toHaveLength(1);
    expect(systemOf(request)[0]).toContain("into fr");
    expect(systemOf(request)[0]).toContain("translation only");
    expect(request.messages.at(-1)).toEqual({ role: "user", content: "Good morning" });
  });

  test("in a chain, the outer agent's prompt comes first and survives", async () => {
    const { request } = await prepare("/translate de /concise hello");
    expect(systemOf(request)[0]).toContain("into de");
    expect(systemOf(request)[0]).toContain("Be concise");
  });
});

describe("example", () => {
  test("/example hi: system note, smileys across chunks, and a footer", async () => {
    const { chain, request } = await prepare("/example hi");
    expect(systemOf(request)[0]).toContain("example agent");
    const t = composeTransforms(chain, request, 1000);
    const out = [await t?.chunk("Hello :"), await t?.chunk(") bye:"), await t?.flush?.()].join("");
    expect(out).toBe("Hello 🙂 bye:\n\n— example agent (13 characters)");
  });
});

describe("critique", () => {
  test("drafts, critiques, then streams the improved answer", async () => {
    const model = fakeModel(["Draft answer.", "Too vague.", "Improved answer here."]);
    const { chain, request } = await prepare("/critique what is TLS?", chatRequest(""), model);
    const pieces = await collect(runTakeover(chain, request));
    expect(pieces.map((p) => p.content).join("")).toBe("Improved answer here.");
    expect(model.calls).toHaveLength(3);
    expect(model.calls[1]?.messages[1]?.content).toContain("Draft answer.");
    expect(model.calls[2]?.messages.at(-2)).toEqual({ role: "assistant", content: "Draft answer." });
    expect(model.calls[2]?.messages.at(-1)?.content).toContain("Too vague.");
  });

  test("progress notes as thinking only when the client asked for thinking", async () => {
    const model = fakeModel(["d", "c", "final"]);
    const { chain, request } = await prepare("/critique q", { ...chatRequest(""), think: true }, model);
    const pieces = await collect(runTakeover(chain, request));
    expect(pieces.filter((p) => p.thinking).length).toBe(3);
  });
});
