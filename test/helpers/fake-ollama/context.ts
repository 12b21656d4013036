// What a route handler receives, and the request-body decoding every JSON route shares.
import { decodeGoJson } from "./go-json.ts";
import { goUnmarshalError, type RequestKind } from "./go-types.ts";
import { ollamaError } from "./http.ts";
import type { Knobs } from "./knobs.ts";
import type { Lifecycle } from "./recorder.ts";
import type { FakeState } from "./state.ts";

export interface Ctx {
  req: Request;
  url: URL;
  fake: FakeState;
  life: Lifecycle;
  knobs: Knobs;
  /** Path parameters (":digest", ":model"). */
  params: Record<string, string>;
  /** The request body as text; blob uploads are streamed by their handler instead. */
  bodyText: string;
}

export type Handler = (ctx: Ctx) => Response | Promise<Response>;

export type Body = Record<string, unknown>;

/** gin ShouldBindJSON into the route's struct: a body object, or the 400 Ollama answers with. */
export function decodeBody(ctx: Ctx, kind: RequestKind): Body | Response {
  const decoded = decodeGoJson(ctx.bodyText);
  if (!decoded.ok) return ollamaError(400, decoded.error);
  const typeError = goUnmarshalError(decoded.value, kind);
  if (typeError) return ollamaError(400, typeError);
  // A JSON null decodes into a zero-valued struct.
  return (decoded.value ?? {}) as Body;
}

export function str(body: Body, key: string): string {
  const v = body[key];
  return typeof v === "string" ? v : "";
}

/** NDJSON routes stream unless the body says "stream": false (absent or null = stream). */
export function wantsStream(body: Body): boolean {
  return body.stream !== false;
}
