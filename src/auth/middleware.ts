// AUTH=keys: every request but liveness needs a valid key; its rights and limits are checked here,
// the rest (models, agents, tokens) through the access object the chat pipeline is handed.
import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors.ts";
import type { TurnAccess } from "../pipeline/turn.ts";
import type { AppEnv } from "../types.ts";
import { type Credential, readCredential, withoutTs } from "./credentials.ts";
import type { CachedKey, KeyCache, KeyLookup } from "./key-cache.ts";
import { isRefusal, type Limiter } from "./limits.ts";
import { filterModelList, isModelList } from "./list-filter.ts";
import { SIGNATURE_WINDOW_SECONDS, type SignatureChecker } from "./ollama-signature.ts";
import { authError, refuse } from "./refusal.ts";
import { rightFor, usageRoute } from "./routes-policy.ts";
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
  return async function authKeysMiddleware(c, next) {
    const path = c.req.path;
    const route = path.startsWith(opts.basePath) ? path.slice(opts.basePath.length) || "/" : path;
    const method = c.req.method;
    const right = rightFor(method, route);
    if (right === "none") return next();
    await opts.keys.ready;
    const credential = readCredential(c.req.raw.headers, c.req.url);
    const found = await identify(credential, c, route, opts);
    if (found instanceof ProxyError) return refuse(c, route, found);
    const key = found;
    const refused = refusalFor(key, right, method, route, allowed);
    if (refused) return refuseCounted(c, route, key, refused, opts);
    const admission = await opts.limiter.admit(key.record.id, key.record.policy);
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
    let inputTokens = 0;
    let outputTokens = 0;
    let firstTokenMs: number | undefined;
    const access: TurnAccess = {
      checkModel(model) {
        if (!key.models.allows(model))
          throw authError(403, `key '${key.record.name}' may not use model '${model}'`, "model_not_allowed");
      },
      checkAgents(names) {
        if (!key.agents) return;
        const refused = names.filter((n) => !key.agents?.has(n.toLowerCase()));
        if (refused.length)
          throw authError(
            403,
            `key '${key.record.name}' may not use agent${refused.length > 1 ? "s" : ""} ${refused.map((n) => `/${n}`).join(", ")}`,
            "agent_not_allowed",
          );
      },
      tokens(input, output) {
        inputTokens += input;
        outputTokens += output;
      },
      firstToken() {
        firstTokenMs ??= performance.now() - scope.startedAt;
      },
    };
    c.set("access", access);
    const endUser = endUserOf(c);
    scope.onEnd(() => {
      admission.finish(inputTokens + outputTokens);
      const status = c.res.status;
      opts.usage.record({
        keyId: key.record.id,
        model: c.get("model") ?? "",
        route: usageRoute(route),
        endUser,
        failed: status >= 400 || c.get("streamError") !== undefined,
        inputTokens,
        outputTokens,
        totalMs: performance.now() - scope.startedAt,
        firstTokenMs,
      });
    });
    await next();
    if (isModelList(method, route)) c.res = await filterModelList(c.res, route, key, allowed);
  };
}

/** The route-level rights: admin, model management, and a model a key may not see in /v1/models/{id}. */
function refusalFor(
  key: CachedKey,
  right: ReturnType<typeof rightFor>,
  method: string,
  route: string,
  allowed: (key: CachedKey, model: string) => boolean,
): ProxyError | null {
  const { policy, name } = key.record;
  if (right === "admin" && !policy.admin)
    return authError(403, `key '${name}' may not use the admin API (it needs --admin)`);
  if (right === "manage" && !policy.manage && !policy.admin)
    return authError(
      403,
      `key '${name}' may not manage models (pull, push, create, copy, delete and blob uploads need --manage)`,
    );
  if (method === "GET" && route.startsWith("/v1/models/")) {
    const id = safeDecode(route.slice("/v1/models/".length));
    // As if it did not exist: a key is not told which models others may use.
    if (!allowed(key, id))
      return new ProxyError(404, `The model '${id}' does not exist`, "proxy", "model", "model_not_found");
  }
  return null;
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

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

async function identify(
  credential: Credential,
  c: Context<AppEnv>,
  route: string,
  opts: AuthMiddlewareOptions,
): Promise<CachedKey | ProxyError> {
  switch (credential.kind) {
    case "none":
      return authError(
        401,
        "missing API key: send Authorization: Bearer <key>, x-api-key: <key>, Basic auth with the key as password, or sign with the ollama CLI (OLLAMA_AUTH=1)",
      );
    case "malformed":
      return authError(401, `invalid credentials: ${credential.why}`);
    case "key":
      return usable(opts.keys.byKey(credential.key), "invalid API key");
    case "signed": {
      const found = opts.keys.bySshBlob(credential.signed.blob);
      if (!found) return authError(401, "unknown public key: register it with `keys create --ssh-key`");
      const paths = route === c.req.path ? [route] : [route, c.req.path];
      const verdict = await opts.signatures.verify(credential.signed, found.ssh, c.req.method, paths);
      if (verdict === "stale")
        return authError(
          401,
          `signature timestamp (ts) is more than ${SIGNATURE_WINDOW_SECONDS} s from the proxy's clock`,
        );
      if (verdict === "replayed") return authError(401, "signature already used (replayed request)");
      if (verdict === "bad-signature") return authError(401, "invalid signature");
      return usable(found.lookup, "invalid API key");
    }
  }
}

function usable(lookup: KeyLookup, unknown: string): CachedKey | ProxyError {
  if (lookup.kind === "ok") return lookup.key;
  if (lookup.kind === "unknown") return authError(401, unknown);
  return authError(401, `API key '${lookup.key.record.name}' is ${lookup.kind}`);
}

function stripTs(req: Request): Request {
  return new Request(withoutTs(req.url), {
    method: req.method,
    headers: req.headers,
    body: req.body,
    signal: req.signal,
    // A streamed body needs it (fetch's rule for a ReadableStream body).
    duplex: "half",
  });
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
