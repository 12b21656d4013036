// The front door's shape checks: a request Bun accepts but no route could serve gets a 4xx, in its route's dialect.
import type { MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import { errorResponseFor, routeOf } from "../http/dialect-errors.ts";
import type { AppEnv } from "../types.ts";

export interface RequestGuardOptions {
  basePath: string;
}

/** Methods the proxy serves somewhere, for the `Allow` header a 405 must carry. */
const ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/** The bytes Go's net/http accepts in a Host header (httpguts.ValidHostHeader), as Ollama sees them. */
const VALID_HOST = /^[0-9A-Za-z!$%&'()*+,\-.:;=[\]_~]*$/;

/** A `%` not followed by two hex digits: Go's URL parser refuses the request (`invalid URL escape`). */
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

export function requestGuard(opts: RequestGuardOptions): MiddlewareHandler<AppEnv> {
  return async function requestGuardMiddleware(c, next) {
    const problem = problemOf(c.req.raw);
    if (!problem) return next();
    // Set as an onError would, so the access record says why the request was refused.
    c.error = problem;
    const res = errorResponseFor(routeOf(c.req.path, opts.basePath), problem, c.get("request")?.id);
    if (problem.status === 405) res.headers.set("allow", ALLOW);
    return res;
  };
}

function problemOf(req: Request): ProxyError | null {
  if (req.method === "CONNECT") {
    return new ProxyError(405, "method CONNECT is not supported: the proxy is not a tunnel");
  }
  // No Host at all is fine (HTTP/1.0 probes send none; Ollama treats it as a local name).
  const host = req.headers.get("host");
  if (host && !VALID_HOST.test(host)) {
    // Bun joins repeated headers with ", "; a single Host cannot contain a space.
    return new ProxyError(400, host.includes(", ") ? "too many Host headers" : "malformed Host header");
  }
  const url = req.url;
  if (url.includes("%")) {
    const rawPath = url.slice(url.indexOf("/", url.indexOf("://") + 3)).split(/[?#]/, 1)[0] ?? "";
    const bad = BAD_ESCAPE.exec(rawPath);
    if (bad)
      return new ProxyError(
        400,
        `invalid URL escape ${JSON.stringify(rawPath.slice(bad.index, bad.index + 3))}`,
      );
  }
  return null;
}
