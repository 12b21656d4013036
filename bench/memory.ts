// Peak memory of one large request: a fresh proxy per case, its kernel high-water mark (VmHWM) read
// from /proc before and after. `bun bench/memory.ts [MB]` (default 50); Linux only.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { peakRssMb, rssMb } from "./lib/proc-stats.ts";
import { startHelper, startProxy } from "./lib/processes.ts";
import { launchOf } from "./lib/subjects.ts";

interface Case {
  name: string;
  path: string;
  body: (base64: string) => string;
}

const CASES: Case[] = [
  {
    name: "/v1/chat/completions, one data-URL image",
    path: "/v1/chat/completions",
    body: (b64) =>
      JSON.stringify({
        model: "bench",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "describe" },
              { type: "image_url", image_url: { url: `data:image/png;base64,${b64}` } },
            ],
          },
        ],
      }),
  },
  {
    name: "/api/chat, one image",
    path: "/api/chat",
    body: (b64) =>
      JSON.stringify({
        model: "bench",
        stream: false,
        messages: [{ role: "user", content: "describe", images: [b64] }],
      }),
  },
];

const sizeMb = Number(process.argv[2] ?? 50);
// Base64 of random bytes: what a real image looks like on the wire (no run of equal characters).
const raw = new Uint8Array(Math.floor((sizeMb * 1024 * 1024 * 3) / 4));
for (let i = 0; i < raw.length; i += 65536) crypto.getRandomValues(raw.subarray(i, i + 65536));
const base64 = Buffer.from(raw).toString("base64");

const logDir = mkdtempSync(path.join(tmpdir(), "proxy-memory-"));
const upstream = await startHelper("upstream/fake-upstream.ts", { BENCH_MODELS: "bench:latest" });
const rows: string[] = [];
try {
  for (const c of CASES) {
    const body = c.body(base64);
    const mb = body.length / 1024 / 1024;
    const proxy = await startProxy(launchOf("proxy", upstream.url, path.join(logDir, "proxy.log")));
    try {
      // One small request first, so what is measured is the large body, not the first request's setup.
      await fetch(proxy.url + c.path, { method: "POST", body: c.body("aGVsbG8=") }).then((r) => r.text());
      await Bun.sleep(200);
      const idle = rssMb(proxy.pid);
      const before = peakRssMb(proxy.pid);
      const res = await fetch(proxy.url + c.path, { method: "POST", body });
      const text = await res.text();
      const peak = peakRssMb(proxy.pid);
      const above = Math.max(0, peak - Math.max(idle, 0));
      rows.push(
        `| ${c.name} | ${mb.toFixed(1)} MB | ${res.status} | ${idle.toFixed(0)} MB | ${peak.toFixed(0)} MB | ${above.toFixed(0)} MB | ${(above / mb).toFixed(1)}× |`,
      );
      if (!res.ok) console.error(`${c.name}: ${res.status} ${text.slice(0, 300)}`);
      void before;
    } finally {
      await proxy.stop();
    }
  }
} finally {
  await upstream.stop();
}
console.log("| request | body | status | RSS before | peak RSS | peak above before | ÷ body |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
