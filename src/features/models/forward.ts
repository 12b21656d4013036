// Small shared helpers of the model routes: reading a JSON body loosely and forwarding upstream.
import type { Context } from "hono";
import { requestSignal } from "../../http/request-body.ts";
import type { AppEnv } from "../../types.ts";
import type { UpstreamClient } from "../../upstream/client.ts";
import { parseJson } from "../../wire/json-depth.ts";

/**
 * The body as an object, or null when it is not one or nests too deeply for the proxy to handle (the
 * upstream then answers in its own words).
 */
export function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = parseJson(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The model a body names (`model` first, then `name`, as Ollama reads it) and the field it came from. */
export function namedModel(
  body: Record<string, unknown> | null,
): { field: "model" | "name"; name: string } | null {
  if (!body) return null;
  if (typeof body.model === "string" && body.model) return { field: "model", name: body.model };
  if (typeof body.name === "string" && body.name) return { field: "name", name: body.name };
  return null;
}

export interface ForwardOptions {
  upstream: UpstreamClient;
}

/** Sends the client's request upstream with `bodyText` as its body and relays the answer. */
export async function forwardWithBody(
  c: Context<AppEnv>,
  path: string,
  bodyText: string,
  opts: ForwardOptions,
): Promise<Response> {
  const raw = c.req.raw;
  const headers = new Headers(raw.headers);
  // The body may have been rewritten (alias → target), so its old length must not travel with it.
  headers.delete("content-length");
  const req = new Request(raw.url, { method: raw.method, headers, body: bodyText, signal: requestSignal(c) });
  return opts.upstream.forward(req, path + new URL(raw.url).search);
}
