// `bun run demo`: the proxy in front of the FAKE Ollama from the tests, to try every feature in a minute.
import path from "node:path";
import { startFakeOllama } from "../test/helpers/fake-ollama.ts";

const fake = await startFakeOllama({ behaviour: { chunkDelayMs: 40, pullChunkDelayMs: 120 } });
const port = process.env.PROXY_PORT ?? "11480";
const base = `http://127.0.0.1:${port}`;

console.log(`
  ┌──────────────────────────────────────────────────────────────────────────────┐
  │  DEMO: the proxy is talking to a FAKE Ollama (${fake.url.padEnd(24)}).   │
  │  Its replies are deterministic ("You said: ..."); no model runs here.        │
  └──────────────────────────────────────────────────────────────────────────────┘

  Open the dashboard: ${base}/ui

  Try, in another terminal:
    curl ${base}/health
    curl ${base}/api/chat -d '{"model":"llama3.2","messages":[{"role":"user","content":"/example hi"}]}'
    curl ${base}/api/chat -d '{"model":"llama3.2","messages":[{"role":"user","content":"/help"}],"stream":false}'
    curl ${base}/v1/chat/completions -d '{"model":"llama3.2","stream":true,"messages":[{"role":"user","content":"/redact hi"}]}'
    curl ${base}/api/pull -d '{"model":"tinyllama"}'
    curl ${base}/plugins
    OLLAMA_HOST=${base} ollama list        (if you have the ollama CLI)
  Stop with Ctrl-C.
`);

const proxy = Bun.spawn([process.execPath, path.join(import.meta.dir, "../src/index.ts")], {
  env: {
    ...process.env,
    OLLAMA_URL: fake.url,
    PROXY_PORT: port,
    LOG_FORMAT: process.env.LOG_FORMAT ?? "pretty",
    BUN_CONFIG_MAX_HTTP_REQUESTS: "65535",
  },
  stdio: ["inherit", "inherit", "inherit"],
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => proxy.kill(signal));
}
const code = await proxy.exited;
await fake.stop();
process.exit(code ?? 0);
