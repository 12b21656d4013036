// A preset turns the client's body into the one the user would have typed: new data, input untouched.
import { describe, expect, test } from "bun:test";
import type { Preset } from "../../../src/config/presets.ts";
import { ProxyError } from "../../../src/errors.ts";
import { silentLogger } from "../../../src/log.ts";
import type { ModelService } from "../../../src/models/types.ts";
import { presetBody, presetInput } from "../../../src/pipeline/preset.ts";
import type { NativeRequest, TurnInput } from "../../../src/pipeline/turn.ts";

const preset: Preset = {
  model: "qwen3-coder",
  agents: '/expert "senior engineer" /concise',
  options: { temperature: 0.2, num_ctx: 8192 },
  system: "Be exact.",
  description: null,
};
const lookup = { name: "coder", preset };
const deepFreeze = <T>(v: T): T => {
  if (v && typeof v === "object") for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
};

describe("presetBody", () => {
  test("chat: base model, options under the client's, system when none, commands before the last user text", () => {
    const body = deepFreeze({
      model: "coder",
      options: { temperature: 0.9 },
      messages: [
        { role: "user", content: "/translate fr earlier" },
        { role: "assistant", content: "plus tôt" },
        { role: "user", content: "/translate de now" },
      ],
    }) as NativeRequest;
    expect(presetBody("chat", body, lookup)).toEqual({
      model: "qwen3-coder",
      options: { temperature: 0.9, num_ctx: 8192 },
      messages: [
        { role: "system", content: "Be exact." },
        { role: "user", content: "/translate fr earlier" },
        { role: "assistant", content: "plus tôt" },
        { role: "user", content: '/expert "senior engineer" /concise /translate de now' },
      ],
    });
  });

  test("the client's own system prompt stays the only one", () => {
    const chat = deepFreeze({
      model: "coder",
      messages: [{ role: "system", content: "Mine." }],
    }) as NativeRequest;
    expect(presetBody("chat", chat, lookup).messages?.filter((m) => m.role === "system")).toEqual([
      { role: "system", content: "Mine." },
    ]);
    const gen = deepFreeze({ model: "coder", prompt: "x", system: "Mine." }) as NativeRequest;
    expect(presetBody("generate", gen, lookup)).toMatchObject({
      system: "Mine.",
      prompt: `${preset.agents} x`,
    });
  });

  test("a load request (no prompt, no messages) gets the model and options but no commands", () => {
    expect(presetBody("generate", { model: "coder" }, lookup)).toEqual({
      model: "qwen3-coder",
      options: { temperature: 0.2, num_ctx: 8192 },
      system: "Be exact.",
    });
    expect(presetBody("chat", { model: "coder", messages: [] }, lookup).messages).toEqual([
      { role: "system", content: "Be exact." },
    ]);
  });
});

describe("presetInput", () => {
  const input = (model: string): TurnInput => ({
    kind: "chat",
    body: deepFreeze({ model, messages: [{ role: "user", content: "hi" }] }),
    bodyText: "{}",
    clientStream: false,
    needsChunks: false,
    fillKeepAlive: false,
    missingModel: new ProxyError(400, "model is required"),
    headers: new Headers(),
    signal: new AbortController().signal,
    logger: silentLogger,
  });
  const models = (problem: string | null): ModelService => ({
    resolve: (m) => m,
    async *ensure() {},
    keepAliveFor: () => null,
    preset: (name) => (name === "coder" ? lookup : null),
    presetProblem: () => problem,
  });

  test("no preset: the same input; a preset: a new one without the client's bytes", () => {
    const plain = input("llama3.2");
    expect(presetInput(plain, models(null))).toBe(plain);
    const given = input("coder");
    const out = presetInput(given, models(null));
    expect(out).not.toBe(given);
    expect(out.bodyText).toBeUndefined();
    expect(out.body.model).toBe("qwen3-coder");
    expect(given.body.model).toBe("coder");
  });

  test("a preset that cannot run is a 404 naming the preset and what is missing", () => {
    const err = (() => {
      try {
        presetInput(input("coder"), models("agent /expert is not loaded"));
      } catch (e) {
        return e as ProxyError;
      }
    })();
    expect(err?.status).toBe(404);
    expect(err?.message).toBe('preset "coder" cannot run: agent /expert is not loaded');
  });
});
