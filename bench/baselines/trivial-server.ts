// A server that does nothing: what wrk gets from it is the load generator's own ceiling. Prints {"port"}.
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  fetch: () => new Response("ok"),
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
