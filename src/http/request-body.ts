// The request body as text, for the routes that parse it: decoded straight from the bytes that
// body-intake read, which is one copy fewer than asking the Request for its text.
import type { Context } from "hono";
import type { AppEnv } from "../types.ts";

const decoder = new TextDecoder();

/**
 * The bytes are taken from the context, so once decoded nothing holds them (a 50 MB image body is
 * then held once, as text); without them (no body-intake: tests that drive a sub-app alone, bodies
 * it left as streams) the Request is read.
 */
export function bodyText(c: Context<AppEnv>): Promise<string> {
  const bytes = c.get("bodyBytes");
  if (!bytes) return c.req.raw.text();
  c.set("bodyBytes", undefined);
  return Promise.resolve(decoder.decode(bytes));
}
