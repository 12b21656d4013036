// Responses output items (reasoning, message, function_call) and the one-shot answer built from them.
import type { ChatChunk, Logprob, ToolCall } from "../../../wire/ollama.ts";
import { newResponsesId, newToolCallId } from "./ids.ts";
import { toChatLogprobs } from "./response-parts.ts";
import { type ResponseShape, responseObject, responseUsage, statusFor } from "./responses-object.ts";
import type { NamespacedName } from "./responses-tools.ts";

export type ItemStatus = "in_progress" | "completed" | "incomplete";

/** Logprobs as Responses parts carry them: the chat completions shape without `refusal`. */
export function outputLogprobs(logprobs: Logprob[] | undefined): unknown[] {
  return toChatLogprobs(logprobs)?.content ?? [];
}

export function outputText(text: string, logprobs: unknown[] = []) {
  return { type: "output_text", text, annotations: [], logprobs };
}

export function messageItem(id: string, status: ItemStatus, text: string | null, logprobs: unknown[] = []) {
  const content = text === null ? [] : [outputText(text, logprobs)];
  return { id, type: "message", status, role: "assistant", content };
}

/**
 * The summary is the model's whole thinking (Ollama has no separate summary); `encrypted_content`
 * carries it too, so a client that replays the item gives the model its reasoning back, as with Ollama.
 */
export function reasoningItem(id: string, text: string | null, replayable = true) {
  const item: Record<string, unknown> = { id, type: "reasoning", summary: [] };
  if (text === null) return item;
  item.summary = [{ type: "summary_text", text }];
  if (replayable) item.encrypted_content = text;
  return item;
}

export interface FunctionCall {
  id: string;
  call_id: string;
  name: string;
  namespace?: string;
  arguments: string;
}

/** Native calls carry arguments as an object and maybe no id; a flattened `ns.member` goes back split. */
export function functionCall(call: ToolCall, namespaced: ReadonlyMap<string, NamespacedName>): FunctionCall {
  const args = call.function.arguments as unknown;
  const ns = namespaced.get(call.function.name);
  const out: FunctionCall = {
    id: newResponsesId("fc"),
    call_id: call.id || newToolCallId(),
    name: ns?.name ?? call.function.name,
    arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}),
  };
  if (ns) out.namespace = ns.namespace;
  return out;
}

export function functionCallItem(call: FunctionCall, status: ItemStatus) {
  const { id, ...rest } = call;
  return { id, type: "function_call", status, ...rest };
}

/**
 * The whole (folded) native answer as one response object: reasoning, then the text (kept even beside
 * tool calls, where Ollama drops it), then one function_call per tool call.
 */
export function toResponse(
  native: ChatChunk,
  shape: ResponseShape,
  namespaced: ReadonlyMap<string, NamespacedName>,
): Record<string, unknown> {
  const message = native.message ?? {};
  const status = statusFor(native.done_reason);
  const calls = message.tool_calls ?? [];
  const output: unknown[] = [];
  if (message.thinking) output.push(reasoningItem(newResponsesId("rs"), message.thinking));
  if (message.content || calls.length === 0) {
    output.push(
      messageItem(newResponsesId("msg"), status, message.content ?? "", outputLogprobs(native.logprobs)),
    );
  }
  for (const call of calls) output.push(functionCallItem(functionCall(call, namespaced), "completed"));
  return responseObject(shape, { status, output, usage: responseUsage(native) });
}
