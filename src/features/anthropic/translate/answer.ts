// Reads native chunks as the steps of an Anthropic answer: thinking, text, tool calls, the end.
import type { ChatChunk } from "../../../wire/ollama.ts";
import { newToolUseId } from "../ids.ts";
import { type StopReason, stopReason, type Usage, usageOf } from "./response.ts";
import { StopScanner } from "./stop-sequences.ts";

export type Step =
  | { kind: "thinking"; text: string }
  | { kind: "text"; text: string }
  | { kind: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { kind: "end"; reason: StopReason; sequence: string | null; usage: Usage };

export interface AnswerOptions {
  inputEstimate: number;
  stopSequences: readonly string[];
  showThinking: boolean;
}

/**
 * One reader per answer; the stream renderer and the one-shot fold both use it, so they agree on
 * every block. After an `end` step the answer is over (a stop sequence ends it before Ollama does).
 */
export function createAnswerReader(opts: AnswerOptions): (chunk: ChatChunk) => Step[] {
  const scanner = new StopScanner(opts.stopSequences);
  let usedTools = false;
  /** Chunks that carried output: Ollama sends about one per token; the count when it reports none. */
  let produced = 0;
  return (chunk) => {
    const steps: Step[] = [];
    const message = chunk.message ?? {};
    const calls = message.tool_calls ?? [];
    if (message.thinking || message.content || calls.length) produced++;
    if (message.thinking && opts.showThinking) steps.push({ kind: "thinking", text: message.thinking });
    if (message.content) {
      const scanned = scanner.push(message.content);
      if (scanned.text) steps.push({ kind: "text", text: scanned.text });
      if (scanned.hit !== null) {
        const usage = { input_tokens: opts.inputEstimate, output_tokens: produced };
        steps.push({ kind: "end", reason: "stop_sequence", sequence: scanned.hit, usage });
        return steps;
      }
    }
    for (const call of calls) {
      usedTools = true;
      // Ollama's ids (`call_…`) are replaced: Anthropic clients expect `toolu_…` and send it back.
      steps.push({
        kind: "tool_use",
        id: newToolUseId(),
        name: call.function.name,
        input: call.function.arguments ?? {},
      });
    }
    if (chunk.done) {
      const held = scanner.flush();
      if (held) steps.push({ kind: "text", text: held });
      const reason = stopReason(chunk.done_reason, usedTools);
      steps.push({
        kind: "end",
        reason,
        sequence: null,
        usage: usageOf(chunk, opts.inputEstimate, produced),
      });
    }
    return steps;
  };
}
