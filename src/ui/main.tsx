// The dashboard shell: navigation by URL hash, the pages, and the key prompt when the proxy asks for one.
import { ErrorBoundary, render, useEffect, useState } from "hono/jsx/dom";
import { authEvents, token } from "./api.ts";
import { live } from "./live-hook.ts";
import { AgentsPage } from "./pages/agents.tsx";
import { KeysPage } from "./pages/keys.tsx";
import { ModelsPage } from "./pages/models.tsx";
import { OverviewPage } from "./pages/overview.tsx";
import { PlaygroundPage } from "./pages/playground.tsx";
import { RequestsPage } from "./pages/requests.tsx";

const PAGES = [
  { id: "overview", title: "Overview", view: OverviewPage },
  { id: "models", title: "Models", view: ModelsPage },
  { id: "agents", title: "Agents", view: AgentsPage },
  { id: "playground", title: "Playground", view: PlaygroundPage },
  { id: "requests", title: "Requests", view: RequestsPage },
  { id: "keys", title: "Keys", view: KeysPage },
] as const;

const pageOf = () => location.hash.replace(/^#\/?/, "") || "overview";

function KeyPrompt({ onDone }: { onDone: () => void }) {
  const [value, setValue] = useState("");
  return (
    <form
      class="key-prompt"
      onSubmit={(e: Event) => {
        e.preventDefault();
        if (value.trim()) token.set(value.trim());
        onDone();
      }}
    >
      <p>The proxy asks for a key. It is kept in this tab's session only and sent as a bearer token.</p>
      <input
        type="password"
        placeholder="key"
        autocomplete="off"
        value={value}
        onInput={(e: Event) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Use key</button>
    </form>
  );
}

function App() {
  const [page, setPage] = useState(pageOf());
  const [askKey, setAskKey] = useState(false);
  useEffect(() => {
    const onHash = () => setPage(pageOf());
    const onAuth = () => setAskKey(true);
    addEventListener("hashchange", onHash);
    authEvents.addEventListener("needed", onAuth);
    live.start();
    return () => {
      removeEventListener("hashchange", onHash);
      authEvents.removeEventListener("needed", onAuth);
    };
  }, []);
  const current = PAGES.find((p) => p.id === page) ?? PAGES[0];
  const View = current.view;
  return (
    <div class="shell">
      <nav>
        <strong>Ollama Smart Proxy</strong>
        {PAGES.map((p) => (
          <a key={p.id} href={`#/${p.id}`} class={p.id === current.id ? "active" : ""}>
            {p.title}
          </a>
        ))}
        {token.get() && (
          <button
            type="button"
            class="link"
            onClick={() => {
              token.clear();
              location.reload();
            }}
          >
            Forget key
          </button>
        )}
      </nav>
      {askKey && <KeyPrompt onDone={() => location.reload()} />}
      <main data-page={current.id}>
        <h1>{current.title}</h1>
        {/* A page that throws says so (and logs it, so the browser tests see it) instead of freezing. */}
        <ErrorBoundary
          onError={(err) => console.error("dashboard page failed:", err)}
          fallbackRender={(err) => <p class="error">This page failed: {err.message}</p>}
        >
          <View />
        </ErrorBoundary>
      </main>
    </div>
  );
}

const root = document.getElementById("root");
if (root) render(<App />, root);
