// A local OTLP/HTTP collector for the tracing workload: takes every export, answers at once, counts
// the spans it received (GET /count). Prints {"port"}. It shares the machine with the proxy, so it
// does as little as it can: no decoding, one native byte search per span.
const SPAN_ID = Buffer.from('"spanId"');
let spans = 0;
let posts = 0;
const sink = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  async fetch(req) {
    if (req.method === "GET") return Response.json({ spans, posts });
    posts++;
    const body = Buffer.from(await req.arrayBuffer());
    for (let at = body.indexOf(SPAN_ID); at !== -1; at = body.indexOf(SPAN_ID, at + SPAN_ID.length)) spans++;
    return Response.json({});
  },
});
process.stdout.write(`${JSON.stringify({ port: sink.port })}\n`);
