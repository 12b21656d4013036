// Realistic native /api/chat and /api/generate NDJSON sequences, shaped as Ollama sends them.
import type { ChatChunk, GenerateChunk } from "../../../src/wire/ollama.ts";

const base = { model: "qwen3:latest", created_at: "2025-10-17T23:14:07.414671Z" };
const metrics = {
  total_duration: 1_234_567_890,
  load_duration: 12_345_678,
  prompt_eval_count: 12,
  prompt_eval_duration: 45_678_901,
  eval_count: 7,
  eval_duration: 987_654_321,
};

export const say = (content: string, extra: Partial<ChatChunk["message"]> = {}): ChatChunk => ({
  ...base,
  message: { role: "assistant", content, ...extra },
  done: false,
});

export const chatDone = (done_reason = "stop"): ChatChunk => ({
  ...base,
  message: { role: "assistant", content: "" },
  done: true,
  done_reason,
  ...metrics,
});

export const PLAIN: ChatChunk[] = [say("Hel"), say("lo"), say(" world"), chatDone()];

export const THINKING: ChatChunk[] = [
  say("", { thinking: "Let me" }),
  say("", { thinking: " think." }),
  say("", { thinking: "Done." }),
  say("The answer"),
  say(" is 4."),
  chatDone(),
];

export const TOOL_CALLS: ChatChunk[] = [
  say("", {
    tool_calls: [
      { id: "call_abc12345", function: { index: 0, name: "get_weather", arguments: { city: "Paris" } } },
    ],
  }),
  say("", {
    tool_calls: [
      { function: { index: 1, name: "get_time", arguments: { tz: "Europe/Paris", exact: true } } },
    ],
  }),
  chatDone(),
];

export const LENGTH_CUT: ChatChunk[] = [say("Once upon"), say(" a time"), chatDone("length")];

const gen = (response: string, extra: Partial<GenerateChunk> = {}): GenerateChunk => ({
  ...base,
  response,
  done: false,
  ...extra,
});

export const generateDone = (done_reason = "stop", response = ""): GenerateChunk => ({
  ...base,
  response,
  done: true,
  done_reason,
  context: [1, 2, 3],
  ...metrics,
});

export const GENERATE_PLAIN: GenerateChunk[] = [
  gen("def "),
  gen("add(a, b):"),
  gen("", { thinking: "hmm" }),
  generateDone(),
];
