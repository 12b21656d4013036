// The floor: the least a Bun forwarding proxy can do (Bun.serve + fetch, nothing else).
// Takes the proxy's own `--ollama-url` and `--port` flags so the bench starts both the same way.
const flag = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const upstream = process.argv.includes("--ollama-url") ? flag("--ollama-url") : "http://127.0.0.1:11434";

Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.argv.includes("--port") ? flag("--port") : 0),
  idleTimeout: 0,
  fetch(req) {
    const url = new URL(req.url);
    return fetch(upstream + url.pathname + url.search, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
    });
  },
});
