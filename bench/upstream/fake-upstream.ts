// The benchmark's fast fake Ollama: just enough of the API, precomputed bytes, and a count of open streams.
//
// Run as its own process (`bun bench/upstream/fake-upstream.ts`) so its CPU never mixes with the
// process being measured. Prints `{"port": N}` on stdout once listening.
//
// The model name's tag sets the stream's shape: `bench:c500-g0` streams 500 content chunks as fast as
// possible, `bench:c50-g20` streams 50 with 20 ms between them. Tags are used rather than request
// options because the model name is the one field every dialect passes upstream unchanged. The plain
// model (`bench`) answers one short sentence: as one object for `"stream": false`, else token by token.
// BENCH_MODELS (comma-separated) lists the models /api/tags reports as installed.
import { doneLine, SMALL_ANSWER, smallAnswerLines, staticJson, tokenLines } from "./answers.ts";
import { type StreamShape, shapeOf } from "./shape.ts";
import { type StreamCounter, streamCounter } from "./stream-counter.ts";

const NDJSON = { "content-type": "application/x-ndjson" };
const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

/**
 * Each chunk goes out in its own write, as Ollama flushes per token: without the turn of the event loop
 * between chunks Bun coalesces the whole answer into one write (measured: 1 read instead of 500 at
 * the client), which would make per-chunk costs look far smaller than they are.
 */
function streamBody(model: string, counter: StreamCounter): ReadableStream<Uint8Array> {
  const tagged = shapeOf(model);
  const lines = tagged ? tokenLines(model) : smallAnswerLines(model);
  const shape: StreamShape = tagged ?? { chunks: lines.length, gapMs: 0 };
  const done = doneLine(model, shape.chunks);
  return new ReadableStream({
    type: "direct",
    async pull(controller) {
      counter.open();
      try {
        for (let i = 0; i < shape.chunks; i++) {
          if (i > 0) await pause(shape.gapMs);
          controller.write(lines[i % lines.length]!);
          controller.flush();
        }
        await pause(shape.gapMs);
        controller.write(done);
        controller.close();
      } finally {
        counter.close();
      }
    },
  });
}

function pause(ms: number): Promise<void> {
  return ms > 0 ? Bun.sleep(ms) : new Promise((resolve) => setImmediate(resolve));
}

async function chat(req: Request, counter: StreamCounter): Promise<Response> {
  const body = (await req.json()) as { model?: string; stream?: boolean };
  const model = body.model ?? "bench";
  if (body.stream === false) return new Response(SMALL_ANSWER(model), { headers: JSON_TYPE });
  return new Response(streamBody(model, counter), { headers: NDJSON });
}

const counter = streamCounter();
const STATIC_JSON = staticJson((process.env.BENCH_MODELS ?? "bench:latest").split(","));
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  // The slow-stream workload holds connections for seconds; never let the fake be the one that cuts them.
  idleTimeout: 0,
  fetch(req) {
    const { pathname } = new URL(req.url);
    if (req.method === "POST" && pathname === "/api/chat") return chat(req, counter);
    if (pathname === "/__bench/streams") return Response.json(counter.snapshot());
    if (pathname === "/__bench/reset") return Response.json(counter.reset());
    const json = STATIC_JSON[pathname];
    if (json) return new Response(json, { headers: JSON_TYPE });
    if (pathname === "/") return new Response("Ollama is running");
    return new Response("404 page not found", { status: 404 });
  },
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
