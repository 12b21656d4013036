// Smoke test for the compiled binary: start it against the fake Ollama, use it, stop it.
// Usage: bun scripts/smoke-binary.ts <path-to-binary>
import path from "node:path";
import { startFakeOllama } from "../test/helpers/fake-ollama.ts";

const binary = path.resolve(process.argv[2] ?? "dist/ollama-smart-proxy");
const fake = await startFakeOllama();
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

// No BUN_CONFIG_MAX_HTTP_REQUESTS here on purpose: the binary must raise the fetch limit itself.
const env: Record<string, string> = { ...(process.env as Record<string, string>) };
delete env.BUN_CONFIG_MAX_HTTP_REQUESTS;
const proc = Bun.spawn([binary, "--port", "0", "--ollama-url", fake.url, "--agents-dir", "agents"], {
  env,
  stdout: "pipe",
  stderr: "pipe",
});

const lines: Array<Record<string, unknown>> = [];
const listening = readLogLines(proc.stderr, lines);
const started = await Promise.race([listening, Bun.sleep(10_000).then(() => null)]);
if (!started) {
  console.error("binary did not report listening within 10 s", lines);
  proc.kill();
  process.exit(1);
}
const base = String(started.url);
check(
  started.fetchLimit === "65535",
  `fetch concurrency limit raised inside the binary (got ${started.fetchLimit})`,
);

const health = await fetch(`${base}/health`);
const healthBody = (await health.json()) as { status?: string; upstream?: { reachable?: boolean } };
check(
  health.status === 200 && healthBody.upstream?.reachable === true,
  "GET /health reports the upstream reachable",
);

const tags = await fetch(`${base}/api/tags`);
const tagsBody = (await tags.json()) as { models?: Array<{ name: string }> };
check(tags.status === 200 && (tagsBody.models?.length ?? 0) > 0, "GET /api/tags passes through");

const plugins = await fetch(`${base}/plugins`);
check(plugins.status === 200, "GET /plugins answers");
if (plugins.status === 200) {
  const body = (await plugins.json()) as { agents?: Array<{ name: string; status: string }> };
  const example = body.agents?.find((a) => a.name === "example");
  check(example?.status === "loaded", "the example agent loaded from the agents folder on disk");
}

const chat = await fetch(`${base}/api/chat`, {
  method: "POST",
  body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "hello" }], stream: false }),
});
check(chat.status === 200, "POST /api/chat through the binary");

proc.kill("SIGTERM");
const code = await proc.exited;
check(code === 0, `exits 0 on SIGTERM (got ${code})`);
await fake.stop();

if (failures.length) {
  console.error(`${failures.length} smoke check(s) failed`);
  process.exit(1);
}

async function readLogLines(stream: ReadableStream<Uint8Array>, into: Array<Record<string, unknown>>) {
  const decoder = new TextDecoder();
  let pending = "";
  let found: Record<string, unknown> | null = null;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return found;
    pending += decoder.decode(value, { stream: true });
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        into.push(parsed);
        if (parsed.msg === "listening" && !found) {
          found = parsed;
          // Keep draining stderr in the background so the child never blocks on a full pipe.
          void drain(reader);
          return found;
        }
      } catch {
        into.push({ raw: line });
      }
      nl = pending.indexOf("\n");
    }
  }
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>) {
  for (;;) if ((await reader.read()).done) return;
}
