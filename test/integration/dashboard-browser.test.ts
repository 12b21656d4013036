// The dashboard in headless Chromium against the fake Ollama: every page, live figures, the playground, a pull, the model actions.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import type { Browser, Page } from "puppeteer-core";
import { createFromOptions } from "../../src/auth/index.ts";
import { chromiumPath, launchBrowser, watchConsole } from "../helpers/browser.ts";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { accessLines, eventually, startProxy, type TestProxy } from "../helpers/proxy.ts";

const executable = chromiumPath();
/** Screenshots of each page, for a person to look at (not committed). */
const ARTIFACTS = path.resolve(import.meta.dir, "../../artifacts/dashboard");
const base = "/dash";
const TIMEOUT = 20_000;

let fake: FakeOllama;
let proxy: TestProxy;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  if (!executable) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  // Slow enough to watch: chat chunks 30 ms apart, pull lines 150 ms apart.
  fake = startFakeOllama({ behaviour: { chunkDelayMs: 30, pullChunkDelayMs: 150 } });
  // No grace period: a pull nobody waits for stops at once, so Cancel is seen upstream within the test.
  [proxy, browser] = await Promise.all([
    startProxy({ upstreamUrl: fake.url, settings: { basePath: base, pullGraceMs: 0 } }),
    launchBrowser(executable),
  ]);
  page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  problems = watchConsole(page, () => false);
  page.on("dialog", (d) => void d.accept());
});

afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
  await fake?.stop();
});

const open = async (id: string, ready: string) => {
  await page.goto(`${proxy.url}${base}/ui#/${id}`);
  await page.waitForSelector(ready, { timeout: 10_000 });
};
/** Text or attribute of an element, "" while it is not there (test files have no DOM types: puppeteer reads them). */
const textIn = (tab: Page, selector: string) =>
  tab.$eval(selector, (e) => e.textContent ?? "").catch(() => "");
const attrOf = (tab: Page, selector: string, name: string) =>
  tab.$eval(selector, (e, n) => e.getAttribute(n) ?? "", name).catch(() => "");
const textOf = (selector: string) => page.$eval(selector, (e) => e.textContent ?? "");
const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

const chat = (content: string) =>
  fetch(`${proxy.url}${base}/api/chat`, {
    method: "POST",
    body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content }] }),
  }).then((r) => r.text());

describe.skipIf(!executable)("the dashboard in a browser", () => {
  test(
    "the overview shows the upstream up, and its figures move as chats are made",
    async () => {
      await open("overview", "[data-testid=health] .badge.ok");
      expect(await textOf("[data-testid=health]")).toContain(fake.url);
      expect(await textOf("[data-testid=health]")).toContain(
        `models ${fake.models.length} present, 0 loaded`,
      );
      // Read every second (the choice is remembered for the other pages).
      await page.select("select[name=poll]", "1000");
      const count = async () =>
        Number((await textOf("[data-testid=totals]")).match(/(\d+) requests/)?.[1] ?? -1);
      await eventually("the first totals", async () => (await count()) >= 0, 5000);
      const before = await count();
      await Promise.all([chat("one"), chat("two"), chat("three"), chat("four")]);
      await eventually("the request count to rise by 4", async () => (await count()) >= before + 4, 6000);
      // The chart of requests per second drew a line above zero, and time to first byte has a value.
      await eventually(
        "a non-zero request rate",
        async () =>
          Number(await textOf("[data-figure=rps] .value")) > 0 ||
          (await textOf("[data-figure=ttfb] .value")) !== "–",
        6000,
      );
      // Two polls make the first segment of the chart's line.
      await eventually(
        "a line in the chart",
        async () => /L/.test(await attrOf(page, "[data-figure=rps] path", "d")),
        8000,
      );
      await shot("overview");
    },
    TIMEOUT,
  );

  test(
    "the playground streams an answer through /redact and shows the agent chain",
    async () => {
      await open("playground", "[data-agent=redact]");
      await eventually(
        "a model chosen",
        async () =>
          (await page.$eval("select[name=model]", (e) => (e as unknown as { value: string }).value)) !== "",
      );
      await page.click("[data-agent=redact]");
      await page.type("textarea[name=message]", "write to bob@example.com about the invoice");
      await page.click(".compose button[type=submit]");
      // Seen while the answer streams: part of it, before the turn is over.
      await eventually(
        "part of the answer while it streams",
        async () => {
          const t = await textIn(page, "[data-testid=streaming]");
          return t.length > 1 && t !== "…";
        },
        10_000,
      );
      await page.waitForSelector(".msg.assistant:not([data-testid=streaming])", { timeout: 10_000 });
      const answer = await textOf(".transcript .msg.assistant:last-child");
      expect(answer).toContain("[email]");
      expect(answer).not.toContain("bob@example.com");
      expect(await textOf("[data-testid=chain]")).toBe("redact");
      expect(await textOf("[data-testid=turn]")).toMatch(/first token \d+ ms/);
      expect(fake.requestsTo("/api/chat").at(-1)?.body).toMatchObject({ stream: true });
      // A second turn, without the agent, carries the conversation so far.
      await page.click("[data-agent=redact]");
      await page.type("textarea[name=message]", "and a second question");
      await page.click(".compose button[type=submit]");
      await eventually(
        "the second answer",
        async () => (await page.$$(".transcript .msg.assistant:not([data-testid=streaming])")).length === 2,
        10_000,
      );
      expect(await textOf(".transcript .msg.assistant:last-child")).toContain("and a second question");
      const sent = fake.requestsTo("/api/chat").at(-1)?.body as { messages: Array<{ content: string }> };
      // (The proxy took the slash command off the first message before Ollama saw it.)
      expect(sent.messages.map((m) => m.content)).toEqual([
        "write to bob@example.com about the invoice",
        answer,
        "and a second question",
      ]);
      expect(await textOf("[data-testid=chain]")).toBe("none");
      await shot("playground");
    },
    TIMEOUT,
  );

  test(
    "a pull shows a moving progress bar with bytes and rate, and Cancel stops it upstream",
    async () => {
      await open("models", "[data-model='llama3.2:latest']");
      await page.type("input[name=pull]", "tinyllama");
      await page.click(".pull-form button[type=submit]");
      const percent = async () =>
        Number(
          (await textOf("[data-pull=tinyllama] [data-testid=pull-figures]")).match(/^([\d.]+)%/)?.[1] ?? 0,
        );
      await page.waitForSelector("[data-pull=tinyllama][data-state=running]");
      const first = await eventually(
        "some progress",
        async () => (await percent()) > 0 && (await percent()),
        10_000,
      );
      await eventually("more progress", async () => (await percent()) > first, 10_000);
      expect(await textOf("[data-pull=tinyllama] [data-testid=pull-figures]")).toMatch(
        /MB of [\d.]+ MB · [\d.]+ \w?B\/s/,
      );
      // The bar is drawn (its width is set by script, under a CSP without inline styles).
      const width = await page.$eval(
        "[data-pull=tinyllama] .bar > div",
        (e) => e.getBoundingClientRect().width,
      );
      expect(width).toBeGreaterThan(0);
      await shot("models-pull");
      await page.click("[data-pull=tinyllama] button");
      await page.waitForSelector("[data-pull=tinyllama][data-state=cancelled]");
      // Nobody waits for it any more: the proxy stops the upstream pull, and the model never arrives.
      await eventually("the upstream pull aborted", () => fake.requestsTo("/api/pull").at(-1)?.aborted, 5000);
      expect(fake.models.some((m) => m.name.startsWith("tinyllama"))).toBe(false);
      // A pull Ollama refuses ends with Ollama's own reason on the card.
      await page.type("input[name=pull]", "no-such-model");
      await page.click(".pull-form button[type=submit]");
      await page.waitForSelector("[data-pull=no-such-model][data-state=failed]", { timeout: 10_000 });
      expect(await textIn(page, "[data-pull=no-such-model]")).toContain("file does not exist");
    },
    TIMEOUT,
  );

  test(
    "load, unload and delete reach the upstream and show in the tables",
    async () => {
      await open("models", "[data-model='qwen3:latest']");
      await page.click("[data-model='qwen3:latest'] .actions button");
      await page.waitForSelector("[data-loaded='qwen3:latest']", { timeout: 10_000 });
      expect(fake.loaded.has("qwen3:latest")).toBe(true);
      await page.click("[data-loaded='qwen3:latest'] button");
      await eventually("qwen3 unloaded", () => !fake.loaded.has("qwen3:latest"), 5000);
      await eventually(
        "qwen3 gone from the loaded table",
        async () => !(await page.$("[data-loaded='qwen3:latest']")),
        10_000,
      );
      await page.click("[data-model='llava:latest'] button.danger");
      await eventually(
        "llava gone from the installed table",
        async () => !(await page.$("[data-model='llava:latest']")),
        10_000,
      );
      expect(fake.models.some((m) => m.name === "llava:latest")).toBe(false);
    },
    TIMEOUT,
  );

  test(
    "agents, requests and keys pages say what they know and nothing else; no console errors anywhere",
    async () => {
      await open("agents", "[data-agent=redact]");
      const plugins = (await (await fetch(`${proxy.url}${base}/plugins`)).json()) as {
        agents: Array<{ name: string }>;
      };
      const cards = await page.$$eval("[data-agent]", (els) => els.map((e) => e.getAttribute("data-agent")));
      expect(cards.sort()).toEqual(plugins.agents.map((a) => a.name).sort());
      expect(await textOf("[data-agent=redact]")).toContain("transformResponse");
      // The playground's turn went through /redact: its use is counted from /metrics.
      await eventually(
        "the use of /redact counted",
        async () =>
          /used in [1-9]\d* request/.test(await textIn(page, "[data-agent=redact] [data-testid=runs]")),
        5000,
      );
      expect(await textOf("[data-agent=concise] [data-testid=runs]")).toBe("no requests since start");
      await shot("agents");
      await open("keys", "[data-testid=keys-off]");
      expect(await textOf("main")).toContain("AUTH=off");
      expect(problems).toEqual([]);
      // The tab has polled /metrics and /health all along: at debug, none of it at info.
      const polls = accessLines(proxy).filter((l) => /\/(metrics|health|api\/tags)$/.test(String(l.path)));
      expect(polls.filter((l) => l.level === "debug").length).toBeGreaterThan(5);
      expect(polls.filter((l) => l.level !== "debug")).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    "the requests page tails GET /events: a chat through an agent appears with its model, tokens and timings",
    async () => {
      // Same document since the overview: the tab has been subscribed to /events all along.
      await open("requests", "[data-testid=requests]");
      await chat("/example tail me");
      const row = "[data-testid=requests] tbody tr[data-request]";
      await eventually(
        "the chat's row, finished",
        async () => {
          const rows = await page.$$eval(row, (els) => els.map((e) => e.textContent ?? ""));
          return rows.some(
            (t) => t.includes("POST /api/chat") && t.includes("/example") && t.includes("200 ok"),
          );
        },
        10_000,
      );
      const text = await textIn(page, row);
      expect(text).toContain("llama3.2");
      // Ollama's counts (the fake's prompt_eval_count and eval_count) and the proxy's timings.
      expect(await textIn(page, `${row} [data-col=tokens]`)).toMatch(/^\d+ → \d+$/);
      expect(await textIn(page, `${row} [data-col=ttft]`)).toMatch(/\d+ ms/);
      expect(await textIn(page, `${row} [data-col=duration]`)).toMatch(/\d+ ms/);
      // The dashboard's own reads are hidden unless asked for.
      const routes = () =>
        page.$$eval(row, (els) => els.map((e) => e.querySelector(".mono")?.textContent ?? ""));
      expect((await routes()).some((r) => r.includes("/metrics"))).toBe(false);
      await page.click("input[name=mine]");
      await eventually("the dashboard's reads shown", async () =>
        (await routes()).some((r) => r.includes("GET /metrics")),
      );
      await page.click("input[name=mine]");
      // A row opens its whole record.
      await page.click(row);
      expect(await textIn(page, "[data-testid=request-detail]")).toContain('"dialect": "ollama"');
      // The pull and the load earlier in this tab are among the other events.
      const events = await textIn(page, "[data-testid=events]");
      expect(events).toContain("pull.progress");
      expect(events).toContain("model.loaded");
      await page.type("input[name=filter]", "no-such-thing-anywhere");
      await eventually("the filter applied", async () => !(await page.$(row)));
      await shot("requests");
      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    "a running chat has a Cancel button in the tail: its client gets the error line, the upstream call ends",
    async () => {
      // A fresh page: the previous test left a filter that matches nothing.
      await page.goto("about:blank");
      await open("requests", "[data-testid=requests]");
      const answer = fetch(`${proxy.url}${base}/api/chat`, {
        method: "POST",
        headers: { "x-request-id": "browser-cancel", "x-fake-chunks": "60", "x-fake-chunk-delay-ms": "100" },
        body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "a long one" }] }),
      }).then((r) => r.text());
      const button = "[data-request=browser-cancel] [data-col=status] button";
      await page.waitForSelector(button, { timeout: 10_000 });
      await page.click(button);
      const text = await answer;
      expect(text.trim().split("\n").at(-1)).toBe(
        '{"error":"the request browser-cancel was cancelled from the dashboard"}',
      );
      await eventually("the upstream chat aborted", () => fake.requestsTo("/api/chat").at(-1)?.aborted, 5000);
      await eventually(
        "the row finished",
        async () =>
          (await textIn(page, "[data-request=browser-cancel] [data-col=status]")).includes("200 error"),
        5000,
      );
      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    "with CAPTURE_BODIES on, a request's detail shows both bodies with its secrets redacted; off, it says how to turn them on",
    async () => {
      const capturing = await startProxy({
        upstreamUrl: fake.url,
        waitForAgents: false,
        settings: { captureBodies: true },
      });
      const tab = await browser.newPage();
      const failures = watchConsole(tab, () => false);
      try {
        await tab.goto(`${capturing.url}/ui#/requests`);
        await tab.waitForSelector("[data-testid=requests]", { timeout: 10_000 });
        await fetch(`${capturing.url}/api/chat`, {
          method: "POST",
          headers: { authorization: "Bearer sk-browser-secret", "x-request-id": "captured-1" },
          body: JSON.stringify({
            model: "llama3.2",
            messages: [{ role: "user", content: "fetch https://ann:pw-secret@example.com/data for me" }],
            stream: false,
          }),
        }).then((r) => r.text());
        const row = "[data-request=captured-1]";
        await eventually(
          "the finished row",
          async () => (await textIn(tab, `${row} [data-col=status]`)).includes("200"),
          5000,
        );
        await tab.click(row);
        await tab.waitForSelector("[data-testid=capture-response]", { timeout: 5000 });
        const shown = await textIn(tab, "[data-testid=capture]");
        expect(await textIn(tab, "[data-testid=capture-request]")).toContain(
          "fetch https://[redacted]@example.com/data for me",
        );
        expect(await textIn(tab, "[data-testid=capture-response]")).toContain('"done": true');
        expect(shown).toContain("authorization: [redacted]");
        expect(shown).not.toContain("sk-browser-secret");
        expect(shown).not.toContain("pw-secret");
        await tab.screenshot({ path: path.join(ARTIFACTS, "requests-capture.png") });
        // The main proxy of these tests keeps no bodies: its detail view says so.
        await tab.goto(`${proxy.url}${base}/ui#/requests`);
        await tab.waitForSelector("[data-testid=requests]", { timeout: 10_000 });
        await chat("not captured");
        const post = "[data-testid=requests] tbody tr[data-request]";
        await eventually(
          "the chat's row",
          async () =>
            (await textIn(tab, post)).includes("POST /api/chat") && (await textIn(tab, post)).includes("200"),
          5000,
        );
        await tab.click(post);
        await eventually(
          "the note",
          async () => (await textIn(tab, "[data-testid=capture]")).includes("CAPTURE_BODIES=true"),
          5000,
        );
        expect(failures).toEqual([]);
      } finally {
        await tab.close();
        await capturing.stop();
      }
    },
    TIMEOUT,
  );

  test(
    "a 401 asks for a key once, sent as a bearer token, never in the URL; a proxy without /events says the tail needs it",
    async () => {
      // The browser plays a proxy that wants a key and has no /events (request interception).
      const tab = await browser.newPage();
      const bearers = new Set<string>();
      await tab.setRequestInterception(true);
      tab.on("request", (req) => {
        const auth = req.headers().authorization;
        if (auth) bearers.add(auth);
        if (!req.url().includes(`${base}/`) || req.url().includes("/ui")) return void req.continue();
        if (!auth)
          return void req.respond({
            status: 401,
            contentType: "application/json",
            body: '{"error":"key needed"}',
          });
        if (req.url().endsWith(`${base}/events`))
          return void req.respond({ status: 404, contentType: "text/plain", body: "404 page not found" });
        return void req.continue();
      });
      await tab.goto(`${proxy.url}${base}/ui#/requests`);
      await tab.waitForSelector(".key-prompt input", { timeout: 10_000 });
      await tab.type(".key-prompt input", "k-secret-1");
      await Promise.all([tab.waitForNavigation(), tab.click(".key-prompt button")]);
      await tab.waitForSelector("[data-testid=needs-events]", { timeout: 10_000 });
      expect([...bearers]).toEqual(["Bearer k-secret-1"]);
      expect(tab.url()).not.toContain("k-secret-1");
      expect(await tab.evaluate(() => Object.values(sessionStorage))).toEqual(["k-secret-1"]);
      expect(await tab.evaluate(() => Object.values(localStorage).join(" "))).not.toContain("k-secret-1");
      await tab.close();
    },
    TIMEOUT,
  );

  test(
    "broken agent files are listed with their status and the reason they failed",
    async () => {
      const broken = await startProxy({
        upstreamUrl: fake.url,
        waitForAgents: false,
        settings: {
          agentsDir: path.resolve(import.meta.dir, "../fixtures/agents-broken"),
          agentImportTimeoutMs: 500,
        },
      });
      try {
        await page.goto(`${broken.url}/ui#/agents`);
        await page.waitForSelector("[data-file='syntax-error.js']", { timeout: 10_000 });
        const plugins = (await (await fetch(`${broken.url}/plugins`)).json()) as {
          agents: Array<{ file: string }>;
        };
        await eventually(
          "a card per file",
          async () => (await page.$$("[data-file]")).length === plugins.agents.length,
        );
        // Files are checked in the background (a process of their own): each card says "loading"
        // until its file's report is in.
        await eventually("syntax-error.js failed", async () =>
          /failed.*syntax error/s.test(await textIn(page, "[data-file='syntax-error.js']")),
        );
        await eventually("dup-b.ts refused", async () =>
          (await textIn(page, "[data-file='dup-b.ts']")).includes('duplicate name "dup"'),
        );
        // A file that never finishes importing is reported, once its time is up, as failed too.
        await eventually(
          "hangs.ts failed",
          async () => (await textIn(page, "[data-file='hangs.ts']")).includes("did not finish"),
          5000,
        );
        await shot("agents-broken");
        expect(problems).toEqual([]);
      } finally {
        await broken.stop();
      }
    },
    TIMEOUT,
  );

  test(
    "with the upstream down, the overview and the models page say so",
    async () => {
      // Port 1 on loopback: nothing listens, connections are refused at once.
      const down = await startProxy({ upstreamUrl: "http://127.0.0.1:1", waitForAgents: false });
      const tab = await browser.newPage();
      const failures = watchConsole(tab, (text) => text.startsWith("Failed to load resource"));
      try {
        await tab.goto(`${down.url}/ui#/overview`);
        await tab.waitForSelector("[data-testid=health] .badge.bad", { timeout: 10_000 });
        expect(await textIn(tab, "[data-testid=health]")).toMatch(/upstream down.*connection refused/s);
        await tab.goto(`${down.url}/ui#/models`);
        await eventually(
          "the models page's error",
          async () => (await textIn(tab, "main")).includes("unreachable"),
          5000,
        );
        expect(failures).toEqual([]);
      } finally {
        await tab.close();
        await down.stop();
      }
    },
    TIMEOUT,
  );

  test(
    "with a fleet: every server on the overview with its state, in flight and the queue; models per server",
    async () => {
      const a = startFakeOllama({ models: [{ name: "llama3.2:latest", capabilities: ["completion"] }] });
      const b = startFakeOllama({
        models: [
          { name: "llama3.2:latest", capabilities: ["completion"] },
          { name: "qwen3:latest", capabilities: ["completion"] },
        ],
      });
      const fleet = await startProxy({
        upstreams: [
          { name: "a", url: a.url },
          { name: "b", url: b.url, maxConcurrent: 1 },
          // Nothing listens on port 1: refused at once, so the server is down from the first poll.
          { name: "gone", url: "http://127.0.0.1:1" },
        ],
        settings: { fleetPollMs: 60_000, fleetQueueWaitMs: 10_000 },
        start: true,
      });
      const tab = await browser.newPage();
      const failures = watchConsole(tab, () => false);
      try {
        await tab.setViewport({ width: 1200, height: 900 });
        await tab.goto(`${fleet.url}/ui#/overview`);
        await tab.waitForSelector("[data-testid=servers] [data-server=b][data-state=up]", {
          timeout: 10_000,
        });
        expect(await attrOf(tab, "[data-testid=servers] [data-server=a]", "data-state")).toBe("up");
        expect(await attrOf(tab, "[data-testid=servers] [data-server=gone]", "data-state")).toBe("down");
        expect(await textIn(tab, "[data-testid=servers] [data-server=gone]")).toContain("refused");
        expect(await textIn(tab, "[data-testid=servers] [data-server=b] [data-col=in-flight]")).toBe("0 / 1");
        expect(await textIn(tab, "[data-figure=queue] .value")).toBe("0");
        // b takes one qwen3 request at a time: a slow one holds it (longer than a /health poll), the next waits.
        const ask = () =>
          fetch(`${fleet.url}/api/chat`, {
            method: "POST",
            headers: { "x-fake-first-byte-delay-ms": "2500" },
            body: JSON.stringify({
              model: "qwen3",
              messages: [{ role: "user", content: "hi" }],
              stream: false,
            }),
          }).then((r) => r.status);
        const first = ask();
        await b.waitForRequest((r) => r.path === "/api/chat");
        const second = ask();
        await eventually(
          "b busy and one request queued on the overview",
          async () =>
            (await textIn(tab, "[data-testid=servers] [data-server=b] [data-col=in-flight]")) === "1 / 1" &&
            (await textIn(tab, "[data-figure=queue] .value")) === "1" &&
            (await textIn(tab, "[data-testid=queued]")) === "1" &&
            // Both chats, and nothing of the dashboard's own (its polls, its event stream).
            (await textIn(tab, "[data-figure=inflight] .value")) === "2",
          5000,
        );
        await tab.screenshot({ path: path.join(ARTIFACTS, "overview-fleet.png") });
        expect(await Promise.all([first, second])).toEqual([200, 200]);
        // The queued request waited about as long as the first held b.
        await eventually(
          "the queue's wait shown",
          async () => /^\d\.\d s$/.test(await textIn(tab, "[data-figure=queue-wait] .value")),
          8000,
        );
        await eventually(
          "the queue empty again",
          async () => (await textIn(tab, "[data-figure=queue] .value")) === "0",
          5000,
        );

        await tab.goto(`${fleet.url}/ui#/models`);
        await tab.waitForSelector("[data-testid=per-server] [data-server=gone]", { timeout: 10_000 });
        expect(await textIn(tab, "[data-testid=per-server] [data-server=a] [data-col=installed]")).toBe("1");
        expect(await textIn(tab, "[data-testid=per-server] [data-server=b] [data-col=installed]")).toBe("2");
        // qwen3 answered on b: loaded there, and only there.
        await tab.waitForSelector("[data-loaded='qwen3:latest'][data-upstream=b]", { timeout: 10_000 });
        expect(await textIn(tab, "[data-testid=per-server] [data-server=b] [data-col=loaded]")).toBe(
          "qwen3:latest",
        );
        const on = (model: string) =>
          tab.$$eval(`[data-model='${model}'] [data-on]`, (els) => els.map((e) => e.textContent ?? ""));
        expect(await on("llama3.2:latest")).toEqual(["a", "b"]);
        expect(await on("qwen3:latest")).toEqual(["b · loaded"]);
        await tab.screenshot({ path: path.join(ARTIFACTS, "models-fleet.png") });
        // One server alone: what it has installed and loaded.
        await tab.select("select[name=server]", "a");
        await eventually("only a's models", async () => !(await tab.$("[data-model='qwen3:latest']")));
        expect(await tab.$("[data-model='llama3.2:latest']")).not.toBeNull();
        expect(await tab.$("[data-loaded='qwen3:latest']")).toBeNull();
        expect(await textIn(tab, "main")).toContain("No model is loaded on a.");
        expect(failures).toEqual([]);
      } finally {
        await tab.close();
        await fleet.stop();
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    TIMEOUT,
  );

  test(
    "with AUTH=keys: an admin key entered once opens the dashboard; a key created there works with the openai client, shows its usage, and revoked stops working",
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "osp-ui-keys-"));
      const keyed = await startProxy({
        upstreamUrl: fake.url,
        settings: { auth: "keys", databaseUrl: path.join(dir, "proxy.sqlite") },
        tuning: { auth: { refreshMs: 25, flushMs: 50 } },
      });
      const tab = await browser.newPage();
      // Only the first visit's 401s (before the key is entered) are expected.
      const failures = watchConsole(tab, (text) => text.includes("401"));
      tab.on("dialog", (d) => void d.accept());
      try {
        const store = keyed.composed.auth?.store ?? (null as never);
        const { key: adminKey } = await createFromOptions(store, { name: "ops", admin: true });
        await Bun.sleep(70);
        // The page itself needs no key (it holds no data); its first call asks for one.
        await tab.goto(`${keyed.url}/ui#/keys`);
        await tab.waitForSelector(".key-prompt input", { timeout: 10_000 });
        await tab.type(".key-prompt input", adminKey);
        await Promise.all([tab.waitForNavigation(), tab.click(".key-prompt button")]);
        await tab.waitForSelector("[data-key=ops]", { timeout: 10_000 });
        await tab.type("form[name=create-key] input[name=name]", "app");
        await tab.type("form[name=create-key] input[name=models]", "llama3.2");
        await tab.click("form[name=create-key] button[type=submit]");
        await tab.waitForSelector("[data-key=app]", { timeout: 10_000 });
        const appKey = await textIn(tab, "[data-testid=new-key-value]");
        expect(appKey.length).toBeGreaterThan(20);
        await Bun.sleep(70);
        const client = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: appKey });
        const answer = await client.chat.completions.create({
          model: "llama3.2",
          messages: [{ role: "user", content: "hello from the app" }],
        });
        expect(answer.choices[0]?.message.content).toContain("hello from the app");
        // Usage is written in batches (every 50 ms here): refresh until the row is there.
        await eventually(
          "the app's usage",
          async () => {
            await tab.click("main button.link");
            return (await textIn(tab, "[data-usage=app]")).includes("llama3.2");
          },
          5000,
        );
        await tab.click("[data-key=app] button.danger");
        await eventually(
          "app revoked",
          async () => (await textIn(tab, "[data-key=app]")).includes("revoked"),
          5000,
        );
        await Bun.sleep(70);
        const refused = await client.chat.completions
          .create({ model: "llama3.2", messages: [{ role: "user", content: "again" }] })
          .then(
            () => 200,
            (e: { status?: number }) => e.status,
          );
        expect(refused).toBe(401);
        await shot("keys");
        expect(failures).toEqual([]);
      } finally {
        await tab.close();
        await keyed.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});
