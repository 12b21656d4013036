// Smoke test for the compiled binary: start it against the fake Ollama, use it, stop it.
// Usage: bun scripts/smoke-binary.ts <path-to-binary>
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromiumPath, launchBrowser, watchConsole } from "../test/helpers/browser.ts";
import { startFakeOllama } from "../test/helpers/fake-ollama.ts";
import { startOtlpReceiver } from "../test/helpers/otlp-receiver.ts";
import { concurrentStreams, spawnProxy } from "../test/helpers/spawn-proxy.ts";

const binary = path.resolve(process.argv[2] ?? "dist/ollama-smart-proxy");
const fake = await startFakeOllama();
// The OpenTelemetry packages are bundled into the binary: it must still export traces.
const receiver = startOtlpReceiver();
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

// spawnProxy removes BUN_CONFIG_MAX_HTTP_REQUESTS: the binary must raise the fetch limit itself.
const proxy = await spawnProxy({
  command: [binary],
  args: [
    ...["--port", "0", "--ollama-url", fake.url, "--agents-dir", "agents", "--access-log", "false"],
    ...["--otel-endpoint", receiver.url],
  ],
});
const base = proxy.url;
check(
  proxy.listening.fetchLimit === "65535",
  `fetch limit raised inside the binary (${proxy.listening.fetchLimit})`,
);

const health = await fetch(`${base}/health`);
const healthBody = (await health.json()) as { upstream?: { reachable?: boolean } };
check(
  health.status === 200 && healthBody.upstream?.reachable === true,
  "GET /health reports the upstream reachable",
);

const tags = await fetch(`${base}/api/tags`);
const tagsBody = (await tags.json()) as { models?: Array<{ name: string }> };
check(tags.status === 200 && (tagsBody.models?.length ?? 0) > 0, "GET /api/tags passes through");

// Agents load in the background, each in a worker started from inside the binary: wait for them.
let pluginsBody: { loading?: number; agents?: Array<{ name: string; status: string }> } = {};
for (let tries = 0; tries < 100; tries++) {
  pluginsBody = (await (await fetch(`${base}/plugins`)).json()) as typeof pluginsBody;
  if (pluginsBody.loading === 0) break;
  await Bun.sleep(50);
}
const example = pluginsBody.agents?.find((a) => a.name === "example");
check(example?.status === "loaded", "the example agent loaded from the agents folder on disk");

// The dashboard is embedded in the binary (no source files, no bundler at run time): page and assets.
const ui = await fetch(`${base}/ui`);
const uiHtml = await ui.text();
const uiAssets = [...uiHtml.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1] ?? "");
let uiAssetsOk = uiAssets.length >= 2;
for (const asset of uiAssets) {
  const res = await fetch(`${base}${asset}`);
  const text = await res.text();
  uiAssetsOk &&= res.status === 200 && text.length > 100;
}
check(
  ui.status === 200 && uiHtml.includes('id="root"') && uiAssetsOk,
  `GET /ui serves the embedded dashboard and its ${uiAssets.length} assets`,
);

// The bundle `bun build --compile` made runs in a browser: the page renders live data, no errors.
const executable = chromiumPath();
if (executable) {
  const browser = await launchBrowser(executable);
  try {
    const page = await browser.newPage();
    const problems = watchConsole(page, () => false);
    await page.goto(`${base}/ui#/agents`);
    const rendered = await page
      .waitForSelector("[data-agent=example]", { timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    check(
      rendered && problems.length === 0,
      `the dashboard renders in Chromium (${problems.join("; ") || "no console errors"})`,
    );
  } finally {
    await browser.close();
  }
}

const chat = await fetch(`${base}/api/chat`, {
  method: "POST",
  body: JSON.stringify({
    model: "llama3.2",
    messages: [{ role: "user", content: "/example hi" }],
    stream: false,
  }),
});
const chatBody = (await chat.json()) as { message?: { content?: string } };
check(
  chat.status === 200 && !!chatBody.message?.content?.includes("example agent"),
  "/example hi through the binary",
);

const traced = await receiver
  .waitFor(
    (spans) => spans.some((s) => s.name === "POST /api/chat") && spans.some((s) => s.kind === 3),
    10_000,
  )
  .then(
    () => true,
    () => false,
  );
check(traced, "the request's trace reached the OTLP receiver (request span and upstream call)");
const metrics = await (await fetch(`${base}/metrics`)).text();
check(metrics.includes('gen_ai_token_type="output"'), "GET /metrics counts the answer's tokens");

fake.reset();
const streams = await concurrentStreams(base, 300, { "x-fake-chunk-delay-ms": "300", "x-fake-chunks": "4" });
check(
  streams.completed === 300 && fake.peakOpenRequests >= 300,
  `300 concurrent streams all open upstream at once (completed ${streams.completed}, peak ${fake.peakOpenRequests})`,
);

const code = await proxy.stop("SIGTERM");
check(code === 0, `exits 0 on SIGTERM (got ${code})`);

// The same binary manages keys, and serves with AUTH=keys.
const keysDir = mkdtempSync(path.join(tmpdir(), "smoke-keys-"));
const database = path.join(keysDir, "proxy.sqlite");
const made = Bun.spawnSync([binary, "keys", "create", "--name", "smoke", "--models", "llama3*"], {
  env: { ...process.env, DATABASE_URL: database },
  stdout: "pipe",
  stderr: "pipe",
});
const key = made.stdout.toString().trim().split("\n").at(-1) ?? "";
check(
  made.exitCode === 0 && /^osp_[A-Za-z0-9_-]{43}$/.test(key),
  "keys create prints a key on its last line",
);
const keyed = await spawnProxy({
  command: [binary],
  args: [
    "--port",
    "0",
    "--ollama-url",
    fake.url,
    "--auth",
    "keys",
    "--database-url",
    database,
    "--access-log",
    "false",
  ],
});
const withKey = await fetch(`${keyed.url}/api/tags`, { headers: { authorization: `Bearer ${key}` } });
const withoutKey = await fetch(`${keyed.url}/api/tags`);
check(withKey.status === 200 && withoutKey.status === 401, "AUTH=keys: 200 with the key, 401 without");
await keyed.stop("SIGTERM");
rmSync(keysDir, { recursive: true, force: true });
await fake.stop();
await receiver.stop();

if (failures.length) {
  console.error(`${failures.length} smoke check(s) failed`);
  process.exit(1);
}
console.log("binary smoke test passed");
