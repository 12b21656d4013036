// Forwards the request being served to the upstream as it is (path under the base path, query kept).
import type { Context } from "hono";
import type { AppEnv } from "../types.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import { forwardable } from "./request-body.ts";

export function forwardToUpstream(
  c: Context<AppEnv>,
  upstream: UpstreamClient,
  basePath: string,
  req: Request = forwardable(c),
): Promise<Response> {
  const url = new URL(c.req.url);
  const path = url.pathname.slice(basePath.length) || "/";
  return upstream.forward(req, path + url.search);
}
