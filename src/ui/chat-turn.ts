// One playground turn: POST /api/chat streamed, its text as it arrives, the agent chain and timings as seen by the browser.
import { api, errorOf, ndjson } from "./api.ts";

export interface Message {
  role: "user" | "assistant";
  content: string;
}

export interface Turn {
  chain: string | null;
  requestId: string | null;
  /** From sending to the first piece of answer text (progress chunks while a model loads are empty). */
  firstTokenMs: number | null;
  totalMs: number | null;
  tokens: number | null;
  tokensPerSecond: number | null;
  error: string | null;
}

interface ChatChunk {
  message?: { content?: string };
  done?: boolean;
  eval_count?: number;
  eval_duration?: number;
}

export interface TurnInput {
  model: string;
  messages: Message[];
  signal: AbortSignal;
  onText: (text: string) => void;
  onTurn: (turn: Turn) => void;
}

export async function streamTurn(input: TurnInput): Promise<{ reply: string; turn: Turn }> {
  const started = performance.now();
  let turn: Turn = {
    chain: null,
    requestId: null,
    firstTokenMs: null,
    totalMs: null,
    tokens: null,
    tokensPerSecond: null,
    error: null,
  };
  const set = (patch: Partial<Turn>) => {
    turn = { ...turn, ...patch };
    input.onTurn(turn);
  };
  set({});
  let reply = "";
  try {
    const res = await api("/api/chat", {
      method: "POST",
      body: JSON.stringify({ model: input.model, messages: input.messages, stream: true }),
      signal: input.signal,
    });
    set({ chain: res.headers.get("x-agent-chain"), requestId: res.headers.get("x-request-id") });
    if (!res.ok) throw await errorOf(res);
    for await (const chunk of ndjson<ChatChunk>(res)) {
      const piece = chunk.message?.content ?? "";
      if (piece && turn.firstTokenMs === null) set({ firstTokenMs: performance.now() - started });
      reply += piece;
      input.onText(reply);
      if (chunk.done && chunk.eval_count !== undefined) {
        const seconds = (chunk.eval_duration ?? 0) / 1e9;
        set({ tokens: chunk.eval_count, tokensPerSecond: seconds > 0 ? chunk.eval_count / seconds : null });
      }
    }
  } catch (e) {
    set({ error: input.signal.aborted ? "stopped" : (e as Error).message });
  }
  set({ totalMs: performance.now() - started });
  return { reply, turn };
}
