// The output items of a streamed response, one open at a time: the events that open, extend and close each.
import { newResponsesId } from "./ids.ts";
import {
  type FunctionCall,
  functionCallItem,
  type ItemStatus,
  messageItem,
  outputText,
  reasoningItem,
} from "./responses-output.ts";

/** Writes one SSE event (numbering it) and returns its text. */
export type Emit = (type: string, fields: Record<string, unknown>) => string;

type Open =
  /** `replayable` is false for the proxy's own progress text, which is not the model's thinking. */
  | { kind: "reasoning"; id: string; index: number; text: string; replayable: boolean }
  | { kind: "message"; id: string; index: number; text: string; logprobs: unknown[] };

export class StreamedItems {
  /** Closed items, in output order: the `output` of the final response. */
  readonly done: unknown[] = [];
  private open: Open | null = null;
  private nextIndex = 0;

  constructor(private readonly emit: Emit) {}

  /** True while the proxy's own progress text is the open item. */
  get showingProgress(): boolean {
    return this.open?.kind === "reasoning" && !this.open.replayable;
  }

  /** Closed items plus the open one as it stands, marked incomplete: the output of a failed response. */
  soFar(): unknown[] {
    const o = this.open;
    if (o?.kind === "reasoning") return [...this.done, reasoningItem(o.id, o.text, o.replayable)];
    if (o?.kind === "message") return [...this.done, messageItem(o.id, "incomplete", o.text, o.logprobs)];
    return [...this.done];
  }

  thinking(text: string, replayable: boolean): string {
    let out = "";
    let o = this.open;
    if (o?.kind !== "reasoning" || o.replayable !== replayable) {
      out += this.close();
      o = { kind: "reasoning", id: newResponsesId("rs"), index: this.nextIndex++, text: "", replayable };
      this.open = o;
      out +=
        this.emit("response.output_item.added", { output_index: o.index, item: reasoningItem(o.id, null) }) +
        this.emit("response.reasoning_summary_part.added", {
          ...where(o),
          summary_index: 0,
          part: { type: "summary_text", text: "" },
        });
    }
    o.text += text;
    return (
      out + this.emit("response.reasoning_summary_text.delta", { ...where(o), summary_index: 0, delta: text })
    );
  }

  content(text: string, logprobs: unknown[]): string {
    let out = "";
    let o = this.open;
    if (o?.kind !== "message") {
      out += this.close();
      o = { kind: "message", id: newResponsesId("msg"), index: this.nextIndex++, text: "", logprobs: [] };
      this.open = o;
      const item = messageItem(o.id, "in_progress", null);
      out +=
        this.emit("response.output_item.added", { output_index: o.index, item }) +
        this.emit("response.content_part.added", { ...where(o), content_index: 0, part: outputText("") });
    }
    o.text += text;
    o.logprobs.push(...logprobs);
    return (
      out + this.emit("response.output_text.delta", { ...where(o), content_index: 0, delta: text, logprobs })
    );
  }

  /** Ollama sends each call whole: its item opens, gets all its arguments and closes at once. */
  call(fc: FunctionCall): string {
    const out = this.close();
    const index = this.nextIndex++;
    const item = functionCallItem(fc, "completed");
    this.done.push(item);
    const at = { item_id: fc.id, output_index: index };
    return (
      out +
      this.emit("response.output_item.added", {
        output_index: index,
        item: { ...functionCallItem(fc, "in_progress"), arguments: "" },
      }) +
      this.emit("response.function_call_arguments.delta", { ...at, delta: fc.arguments }) +
      this.emit("response.function_call_arguments.done", { ...at, name: fc.name, arguments: fc.arguments }) +
      this.emit("response.output_item.done", { output_index: index, item })
    );
  }

  close(status: ItemStatus = "completed"): string {
    const o = this.open;
    if (!o) return "";
    this.open = null;
    if (o.kind === "reasoning") {
      const item = reasoningItem(o.id, o.text, o.replayable);
      this.done.push(item);
      const part = { type: "summary_text", text: o.text };
      return (
        this.emit("response.reasoning_summary_text.done", { ...where(o), summary_index: 0, text: o.text }) +
        this.emit("response.reasoning_summary_part.done", { ...where(o), summary_index: 0, part }) +
        this.emit("response.output_item.done", { output_index: o.index, item })
      );
    }
    const item = messageItem(o.id, status, o.text, o.logprobs);
    this.done.push(item);
    const at = { ...where(o), content_index: 0 };
    return (
      this.emit("response.output_text.done", { ...at, text: o.text, logprobs: o.logprobs }) +
      this.emit("response.content_part.done", { ...at, part: outputText(o.text, o.logprobs) }) +
      this.emit("response.output_item.done", { output_index: o.index, item })
    );
  }
}

function where(o: Open) {
  return { item_id: o.id, output_index: o.index };
}
