// The native messages a Responses input becomes, built item by item with Ollama's merging rules.
import type { Message, ToolCall } from "../../../wire/ollama.ts";

export class Conversation {
  readonly messages: Message[] = [];
  private pendingThinking = "";

  thinking(text: string): void {
    this.pendingThinking = text;
  }

  /** An assistant turn takes the reasoning that preceded it. */
  private claimThinking(message: Message): void {
    if (!this.pendingThinking) return;
    message.thinking = this.pendingThinking;
    this.pendingThinking = "";
  }

  private lastAssistant(): Message | undefined {
    const last = this.messages.at(-1);
    return last?.role === "assistant" ? last : undefined;
  }

  message(message: Message, answeredCallId: string | undefined): void {
    if (message.role === "assistant") {
      this.claimThinking(message);
      // A message replayed between a call and its output joins the call's turn, so the output still
      // directly follows the call it answers (as Ollama merges them).
      const last = this.lastAssistant();
      if (answeredCallId && last?.tool_calls?.some((c) => c.id === answeredCallId)) {
        last.content = [last.content, message.content].filter(Boolean).join("\n");
        if (message.images) last.images = [...(last.images ?? []), ...message.images];
        if (message.thinking) last.thinking = message.thinking;
        return;
      }
    }
    this.messages.push(message);
  }

  call(call: ToolCall): void {
    const last = this.lastAssistant();
    const target = last ?? { role: "assistant", content: "" };
    target.tool_calls = [...(target.tool_calls ?? []), call];
    this.claimThinking(target);
    if (!last) this.messages.push(target);
  }

  output(message: Message): void {
    this.messages.push(message);
  }

  /** Reasoning with nothing after it still reaches the model, as a thinking-only assistant turn. */
  finish(): Message[] {
    if (this.pendingThinking)
      this.messages.push({ role: "assistant", content: "", thinking: this.pendingThinking });
    return this.messages;
  }

  toolNameFor(callId: string): string | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const found = this.messages[i]?.tool_calls?.find((c) => c.id === callId);
      if (found) return found.function.name;
    }
    return undefined;
  }
}
