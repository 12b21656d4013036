// Playground: chat with any model or preset through POST /api/chat (streamed), agents picked as slash commands.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { getJson } from "../api.ts";
import { type Message, streamTurn, type Turn } from "../chat-turn.ts";
import { duration } from "../format.ts";
import type { Plugins } from "./agents.tsx";

export function PlaygroundPage() {
  const [models, setModels] = useState<string[]>([]);
  const [agents, setAgents] = useState<string[]>([]);
  const [model, setModel] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const [text, setText] = useState("");
  const [history, setHistory] = useState<Message[]>([]);
  const [answer, setAnswer] = useState("");
  const [turn, setTurn] = useState<Turn | null>(null);
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    void getJson<{ models: Array<{ name: string; capabilities?: string[] }> }>("/api/tags")
      .then((t) => {
        // Embedding-only models cannot chat (Ollama lists capabilities in newer versions).
        const chat = (t.models ?? []).filter((m) => !m.capabilities || m.capabilities.includes("completion"));
        const names = chat.map((m) => m.name);
        setModels(names);
        setModel((m) => m || names[0] || "");
      })
      .catch(() => setModels([]));
    void getJson<Plugins>("/plugins")
      .then((p) => setAgents(p.agents.flatMap((a) => (a.status === "loaded" && a.name ? [a.name] : []))))
      .catch(() => setAgents([]));
  }, []);

  const toggle = (name: string) =>
    setPicked((p) => (p.includes(name) ? p.filter((x) => x !== name) : [...p, name]));

  const sendTurn = async () => {
    const content = [...picked.map((a) => `/${a}`), text.trim()].join(" ").trim();
    if (!content || !model || busy) return;
    const messages: Message[] = [...history, { role: "user", content }];
    setHistory(messages);
    setText("");
    setAnswer("");
    setBusy(true);
    const controller = new AbortController();
    abort.current = controller;
    const { reply } = await streamTurn({
      model,
      messages,
      signal: controller.signal,
      onText: setAnswer,
      onTurn: setTurn,
    });
    setHistory([...messages, { role: "assistant", content: reply }]);
    setAnswer("");
    setBusy(false);
  };

  return (
    <div class="playground">
      <div class="row">
        <label>
          Model or preset{" "}
          <select
            name="model"
            value={model}
            onChange={(e: Event) => setModel((e.target as HTMLSelectElement).value)}
          >
            {models.map((m) => (
              <option key={m} value={m} selected={m === model}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="link"
          onClick={() => {
            setHistory([]);
            setTurn(null);
          }}
        >
          New chat
        </button>
      </div>
      <div class="chips" data-testid="agents">
        {agents.map((a) => (
          <button
            key={a}
            type="button"
            data-agent={a}
            class={picked.includes(a) ? "chip on" : "chip"}
            onClick={() => toggle(a)}
          >
            /{a}
          </button>
        ))}
      </div>
      <div class="transcript" data-testid="transcript">
        {history.map((m, i) => (
          // Turns are only ever appended: the index is a stable key.
          <div key={i} class={`msg ${m.role}`}>
            {m.content}
          </div>
        ))}
        {busy && (
          <div class="msg assistant" data-testid="streaming">
            {answer || "…"}
          </div>
        )}
      </div>
      {turn && (
        <div class="muted turn" data-testid="turn">
          agents: <span data-testid="chain">{turn.chain || "none"}</span> · first token{" "}
          {duration(turn.firstTokenMs)} · total {duration(turn.totalMs)}
          {turn.tokens !== null && ` · ${turn.tokens} tokens`}
          {turn.tokensPerSecond !== null && ` (${turn.tokensPerSecond.toFixed(1)}/s)`}
          {turn.requestId && <span class="mono"> · {turn.requestId}</span>}
          {turn.error && <span class="error"> · {turn.error}</span>}
        </div>
      )}
      <form
        class="compose"
        onSubmit={(e: Event) => {
          e.preventDefault();
          void sendTurn();
        }}
      >
        <textarea
          name="message"
          rows={3}
          placeholder="Message (Ctrl+Enter sends)"
          value={text}
          onInput={(e: Event) => setText((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void sendTurn();
          }}
        />
        {busy ? (
          <button type="button" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        ) : (
          <button type="submit">Send</button>
        )}
      </form>
    </div>
  );
}
