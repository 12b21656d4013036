// Gives Hono a request it can route when Bun could not build an absolute URL for the one it received.

/**
 * Bun makes `req.url` from the Host header. Without one (an HTTP/1.0 health probe), with an empty or
 * unusable one, or for CONNECT's `host:port` target, the URL is relative or unparseable: Hono then
 * routes on the wrong slice of it and `new URL(c.req.url)` throws. Such a request gets this origin
 * instead; its Host header is kept as sent, so the Host check and the request guard judge the real value.
 */
const STAND_IN_ORIGIN = "http://localhost";

/** `req` itself when its URL is usable (every ordinary request), else a copy addressed to its path. */
export function routableRequest(req: Request): Request {
  if (URL.canParse(req.url)) return req;
  const method = req.method;
  // A fetch Request cannot carry a GET or HEAD body; no route reads one.
  const body = method === "GET" || method === "HEAD" ? null : req.body;
  return new Request(STAND_IN_ORIGIN + pathOf(req.url), {
    method,
    headers: req.headers,
    body,
    signal: req.signal,
  });
}

/** The origin-form part of what Bun made of the target: `/path?query`, or `/` for an authority. */
function pathOf(url: string): string {
  if (url.startsWith("/")) return URL.canParse(url, STAND_IN_ORIGIN) ? url : "/";
  // `http://<bad host>/path`: whatever follows the authority.
  const scheme = url.indexOf("://");
  const slash = scheme < 0 ? -1 : url.indexOf("/", scheme + 3);
  const path = slash < 0 ? "/" : url.slice(slash);
  return URL.canParse(path, STAND_IN_ORIGIN) ? path : "/";
}
