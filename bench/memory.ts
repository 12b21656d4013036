// Peak memory of one large request: a fresh proxy per case, its kernel high-water mark (VmHWM) read
// from /proc after the request, against its resident memory just before. Linux only.
//
//   bun bench/memory.ts [body MB, default 50] [upstream line MB, default 128]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFakeOllama } from "../test/helpers/fake-ollama.ts";
import { peakRssMb, rssMb } from "./lib/proc-stats.ts";
import { startHelper, startProxy } from "./lib/processes.ts";
import { launchOf } from "./lib/subjects.ts";

interface Case {
  name: string;
  path: string;
  body: string;
  headers?: Record<string, string>;
  /** Which upstream answers: the bench's fast fake, or the test fake (it has the huge-line knob). */
  upstream: "bench" | "test";
  /** What the figure is divided by. */
  sizeMb: number;
}

const bodyMb = Number(process.argv[2] ?? 50);
const lineMb = Number(process.argv[3] ?? 128);

// Base64 of random bytes: what a real image looks like on the wire.
const raw = new Uint8Array(Math.floor((bodyMb * 2 ** 20 * 3) / 4));
for (let i = 0; i < raw.length; i += 65536) crypto.getRandomValues(raw.subarray(i, i + 65536));
const image = Buffer.from(raw).toString("base64");

const v1 = (text: string) =>
  JSON.stringify({
    model: "bench",
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text },
          { type: "image_url", image_url: { url: `data:image/png;base64,${image}` } },
        ],
      },
    ],
  });
const native = (text: string) =>
  JSON.stringify({
    model: "bench",
    stream: false,
    messages: [{ role: "user", content: text, images: [image] }],
  });

// A prompt with one character past ASCII makes Bun decode the whole body as UTF-16: the hard case.
const CASES: Case[] = [
  {
    name: "/v1/chat/completions, data-URL image",
    path: "/v1/chat/completions",
    body: v1("describe"),
    upstream: "bench",
    sizeMb: bodyMb,
  },
  {
    name: "/v1/chat/completions, data-URL image, prompt « décris »",
    path: "/v1/chat/completions",
    body: v1("décris 🙂"),
    upstream: "bench",
    sizeMb: bodyMb,
  },
  {
    name: "/api/chat, image",
    path: "/api/chat",
    body: native("describe"),
    upstream: "bench",
    sizeMb: bodyMb,
  },
  {
    name: "/api/chat, image, prompt « décris »",
    path: "/api/chat",
    body: native("décris 🙂"),
    upstream: "bench",
    sizeMb: bodyMb,
  },
  {
    name: `upstream line of ${lineMb} MB in a /v1 stream (MAX_LINE_MB default)`,
    path: "/v1/chat/completions",
    body: JSON.stringify({ model: "llama3.2", stream: true, messages: [{ role: "user", content: "hi" }] }),
    headers: { "x-fake-huge-line-bytes": String(lineMb * 2 ** 20) },
    upstream: "test",
    sizeMb: lineMb,
  },
];

const logDir = mkdtempSync(path.join(tmpdir(), "proxy-memory-"));
const benchUpstream = await startHelper("upstream/fake-upstream.ts", { BENCH_MODELS: "bench:latest" });
const testUpstream = await startFakeOllama();
const rows: string[] = [];
try {
  for (const c of CASES) {
    const upstreamUrl = c.upstream === "bench" ? benchUpstream.url : testUpstream.url;
    const proxy = await startProxy(launchOf("proxy", upstreamUrl, path.join(logDir, "proxy.log")));
    try {
      // One small request first, so what is measured is the large one, not the first request's setup.
      const warm = { model: "bench", stream: false, messages: [{ role: "user", content: "hi" }] };
      await fetch(proxy.url + c.path, { method: "POST", body: JSON.stringify(warm) }).then((r) => r.text());
      await Bun.sleep(200);
      const before = rssMb(proxy.pid);
      const res = await fetch(proxy.url + c.path, { method: "POST", body: c.body, headers: c.headers });
      const text = await res.text();
      const peak = peakRssMb(proxy.pid);
      const above = Math.max(0, peak - before);
      const size =
        c.body.length > 2 ** 20 ? `${(c.body.length / 2 ** 20).toFixed(0)} MB body` : `${c.sizeMb} MB line`;
      rows.push(
        `| ${c.name} | ${size} | ${res.status} | ${before.toFixed(0)} MB | ${peak.toFixed(0)} MB | ${above.toFixed(0)} MB | ${(above / c.sizeMb).toFixed(1)}× |`,
      );
      if (!res.ok || text.includes('"error"'))
        console.error(`${c.name}: ${res.status} ${text.slice(0, 200)}`);
    } finally {
      await proxy.stop();
    }
  }
} finally {
  await benchUpstream.stop();
  await testUpstream.stop();
}
console.log("| request | size | status | RSS before | peak RSS | peak above before | ÷ size |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
