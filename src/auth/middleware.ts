// AUTH=keys: every request but liveness needs a valid key; its rights and limits are checked here,
// the rest (models, agents, tokens) through the access object the chat pipeline is handed.
import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import { routeOf } from "../http/dialect-errors.ts";
import { replaceResponse } from "../http/replace-response.ts";
import type { AccessRecord, AppEnv } from "../types.ts";
import { readCredential } from "./credentials.ts";
import { embedTokens, isEmbedRoute } from "./embed-usage.ts";
import { identify, stripTs } from "./identify.ts";
import type { CachedKey, KeyCache } from "./key-cache.ts";
import { isRefusal, type Limiter } from "./limits.ts";
import { filterModelList, isModelList } from "./list-filter.ts";
import type { SignatureChecker } from "./ollama-signature.ts";
import { authError, refuse } from "./refusal.ts";
import { refusalFor, rightFor, usageRoute } from "./routes-policy.ts";
import { createTurnAccess } from "./turn-access.ts";
import type { UsageRecorder } from "./usage.ts";

export interface AuthMiddlewareOptions {
  keys: KeyCache;
  signatures: SignatureChecker;
  limiter: Limiter;
  usage: UsageRecorder;
  /** Alias → model, as the chat routes resolve it: policies judge what actually runs. */
  resolve: (model: string) => string;
  basePath: string;
}

/** Headers that carry the client's credential: they are for the proxy, never for Ollama. */
const CREDENTIAL_HEADERS = ["authorization", "x-api-key"];

export function authMiddleware(opts: AuthMiddlewareOptions): MiddlewareHandler<AppEnv> {
  const allowed = (key: CachedKey, model: string) => key.models.allows(resolveSafely(opts.resolve, model));
  let keysLoaded = false;
  return async function authKeysMiddleware(c, next) {
    const path = c.req.path;
    const route = routeOf(path, opts.basePath);
    const method = c.req.method;
    const right = rightFor(method, route);
    if (right === "none") return next();
    if (!keysLoaded) {
      await opts.keys.ready;
      keysLoaded = true;
    }
    const credential = readCredential(c.req.raw.headers, c.req.url);
    const found = await identify(credential, method, route === path ? [route] : [route, path], opts);
    if (found instanceof ProxyError) return refuse(c, route, found);
    const key = found;
    const refused = refusalFor(key, right, method, route, allowed);
    if (refused) return refuseCounted(c, route, key, refused, opts);
    const admitted = opts.limiter.admit(key.record.id, key.policy);
    // Local counters answer at once: no promise to wait on then.
    const admission = admitted instanceof Promise ? await admitted : admitted;
    if (isRefusal(admission))
      return refuseCounted(
        c,
        route,
        key,
        authError(429, `key '${key.record.name}': ${admission.message}`, "rate_limit_exceeded"),
        opts,
        { "retry-after": String(admission.retryAfterSeconds) },
      );

    // In place: a copy of the request per request costs more than the whole key check.
    for (const name of CREDENTIAL_HEADERS) c.req.raw.headers.delete(name);
    if (credential.kind === "signed") c.req.raw = stripTs(c.req.raw);

    const scope = c.get("request");
    c.set(
      "access",
      createTurnAccess(key, (model) => allowed(key, model)),
    );
    const endUser = endUserOf(c);
    // Embeddings carry their count in the answer the proxy reads below; chats in the request record.
    let embedInput = 0;
    // Usage is the request record's figures (the tokens Ollama reported), charged once it is over.
    scope.onEnd((record) => {
      const inputTokens = (record.inputTokens ?? 0) + embedInput;
      const outputTokens = record.outputTokens ?? 0;
      admission.finish(inputTokens + outputTokens);
      opts.usage.record({
        keyId: key.record.id,
        model: record.model ?? "",
        route: usageRoute(route),
        endUser,
        failed: record.status >= 400 || record.outcome !== "ok",
        inputTokens,
        outputTokens,
        totalMs: record.durationMs,
        firstTokenMs: firstTokenMs(record),
      });
    });
    await next();
    if (isModelList(method, route)) replaceResponse(c, await filterModelList(c.res, route, key, allowed));
    else if (isEmbedRoute(method, route)) {
      const counted = await embedTokens(c.res, route);
      replaceResponse(c, counted.res);
      embedInput = counted.tokens;
    }
  };
}

/**
 * When the answer's first token reached the client: a stream's first token, or for a one-object
 * answer (whose tokens arrive all at once) its whole time; none when no answer came.
 */
function firstTokenMs(record: AccessRecord): number | undefined {
  if (record.ttftMs !== undefined) return record.ttftMs;
  return record.outcome === "ok" && record.outputTokens !== undefined ? record.durationMs : undefined;
}

/** A refusal of a known key still counts in its usage, as a request and an error. */
function refuseCounted(
  c: Context<AppEnv>,
  route: string,
  key: CachedKey,
  err: ProxyError,
  opts: AuthMiddlewareOptions,
  headers?: Record<string, string>,
): Response {
  opts.usage.record({
    keyId: key.record.id,
    model: "",
    route: usageRoute(route),
    endUser: endUserOf(c),
    failed: true,
    inputTokens: 0,
    outputTokens: 0,
    totalMs: performance.now() - c.get("request").startedAt,
  });
  return refuse(c, route, err, headers);
}

/** Open WebUI forwards who is chatting (ENABLE_FORWARD_USER_INFO_HEADERS): usage names them. */
function endUserOf(c: Context<AppEnv>): string {
  const h = c.req.raw.headers;
  const who =
    h.get("x-openwebui-user-email") ?? h.get("x-openwebui-user-name") ?? h.get("x-openwebui-user-id") ?? "";
  return who.slice(0, 128);
}

function resolveSafely(resolve: (m: string) => string, model: string): string {
  try {
    return resolve(model) || model;
  } catch {
    return model;
  }
}
