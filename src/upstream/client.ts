// The proxy's only way to reach Ollama: fetch with the right Host, no idle cut-offs, clear failures.
import { proxy } from "hono/proxy";
import { isAbortError } from "../abort.ts";
import { ProxyError } from "../errors.ts";
import { splitCredentials } from "./credentials.ts";
import { upstreamRequestHeaders } from "./headers.ts";
import { isTimeoutError, upstreamSilent, upstreamUnreachable } from "./network-error.ts";

export type FetchLike = (
  input: Request | string | URL,
  init?: RequestInit & { timeout?: number | boolean },
) => Promise<Response>;

export interface UpstreamOptions {
  /** Normalised upstream base, `scheme://host:port[/prefix]`. */
  baseUrl: string;
  /**
   * Authorization value for every upstream request (config.ollamaAuth: Basic from OLLAMA_URL's
   * credentials). Credentials left in `baseUrl` are split off and used when this is absent, so the
   * client's `baseUrl`, and every message naming it, never carries them.
   */
  auth?: string | null;
  /** Milliseconds a silent upstream connection is tolerated; 0 = forever (model loads can take minutes). */
  idleTimeoutMs: number;
  /** Longest NDJSON line callers parse from this upstream (MAX_LINE_MB); readNdjson's default when absent. */
  maxLineBytes?: number;
  fetch?: FetchLike;
}

export interface UpstreamCallInit {
  method?: string;
  headers?: Bun.HeadersInit;
  body?: Bun.BodyInit | null;
  signal?: AbortSignal;
  /** Overrides the idle timeout for this call (health probes want a short one). */
  timeoutMs?: number;
  /** For a fleet (src/fleet): the model an inference call is for, to choose the server; a single upstream ignores it. */
  route?: RouteHint;
}

/** What the fleet routes an inference call by, and how it tells the caller which server answered. */
export interface RouteHint {
  model: string;
  /** The request's messages: the leading ones are hashed for affinity (FLEET_AFFINITY). */
  messages?: readonly unknown[];
  /** The chosen server (each failover attempt calls it again). */
  onUpstream?: (name: string, baseUrl: string) => void;
  /** The request waits in the fleet's queue at this position (1 = next). */
  onQueued?: (position: number) => void;
  /** Who asks (an API key's name): the queue takes turns between askers. */
  party?: string;
}

export interface UpstreamClient {
  /** The upstream base without credentials: safe in messages and logs. */
  readonly baseUrl: string;
  readonly host: string;
  /** Longest NDJSON line to accept when parsing this upstream's streams (`readNdjson`'s option). */
  readonly maxLineBytes?: number;
  /** Sends one request upstream; a network failure becomes a 502 ProxyError naming the upstream. */
  call(pathAndQuery: string, init?: UpstreamCallInit): Promise<Response>;
  /** Forwards a client request unchanged but for hop-by-hop headers and Host; body streams through. */
  forward(req: Request, pathAndQuery: string): Promise<Response>;
  /**
   * A fleet (src/fleet): the address of the server named in an answer's X-Upstream, so a failure
   * names the server that failed rather than the whole fleet. Never carries credentials.
   */
  urlOf?(name: string): string | undefined;
  /** Calls a JSON endpoint and parses the answer; a non-2xx answer becomes a ProxyError with Ollama's message. */
  json<T>(pathAndQuery: string, init?: UpstreamCallInit & { payload?: unknown }): Promise<T>;
}

export function createUpstreamClient(opts: UpstreamOptions): UpstreamClient {
  const address = splitCredentials(opts.baseUrl.replace(/\/+$/, ""));
  const baseUrl = address.url;
  const auth = opts.auth ?? address.auth;
  const host = new URL(baseUrl).host;
  const doFetch: FetchLike = opts.fetch ?? fetch;
  const defaultTimeout = opts.idleTimeoutMs > 0 ? opts.idleTimeoutMs : false;

  /**
   * Configured credentials replace whatever Authorization the client sent. Go's net/http (and Bun's
   * fetch) let an explicit header win over URL userinfo, but that fits a client, not a proxy: the
   * `openai` SDKs always send `Bearer <apiKey>`, which would silently knock out the operator's
   * credentials for the hop they were configured for. (Ollama's own Go client sets no precedent:
   * envconfig.Host() does not parse userinfo, so `user:pass@host` gives it an unusable host, and
   * api/client.go sets Authorization only to its signed ollama.com token.) Without credentials the
   * client's header passes through.
   */
  function withAuth(headers: Headers): Headers {
    if (auth) headers.set("authorization", auth);
    return headers;
  }

  async function send(input: Request | string, init: RequestInit, timeoutMs?: number): Promise<Response> {
    const timeout = timeoutMs !== undefined ? timeoutMs : defaultTimeout;
    try {
      // Redirects (Ollama's trailing-slash 301/307) belong to the client, so they are not followed here.
      return await doFetch(input, { ...init, timeout, redirect: "manual" });
    } catch (err) {
      // A ProxyError here came from the request body (a client that stopped sending it: 408).
      if (isAbortError(err) || err instanceof ProxyError) throw err;
      if (timeoutMs === undefined && defaultTimeout !== false && isTimeoutError(err))
        throw upstreamSilent(baseUrl, opts.idleTimeoutMs);
      throw upstreamUnreachable(baseUrl, err);
    }
  }

  const client: UpstreamClient = {
    baseUrl,
    host,
    maxLineBytes: opts.maxLineBytes,
    call(pathAndQuery, init = {}) {
      const headers = withAuth(new Headers(init.headers));
      headers.set("host", host);
      return send(
        baseUrl + pathAndQuery,
        { method: init.method ?? "GET", headers, body: init.body ?? null, signal: init.signal },
        init.timeoutMs,
      );
    },
    forward(req, pathAndQuery) {
      // hono/proxy streams the body both ways, strips hop-by-hop response headers and carries the
      // client's abort signal; we supply the headers (with the upstream Host) and the fetch call.
      return proxy(baseUrl + pathAndQuery, {
        raw: req,
        headers: withAuth(upstreamRequestHeaders(req.headers, host)),
        customFetch: (upstreamReq: Request) => send(upstreamReq, {}),
      });
    },
    json: (pathAndQuery, init) => callJson(client, pathAndQuery, init),
  };
  return client;
}

/** `json()` on top of any client's `call()`: the fleet's client shares it. */
export async function callJson<T>(
  client: Pick<UpstreamClient, "call" | "baseUrl">,
  pathAndQuery: string,
  init: UpstreamCallInit & { payload?: unknown } = {},
): Promise<T> {
  const headers = new Headers(init.headers);
  let body = init.body ?? null;
  if (init.payload !== undefined) {
    body = JSON.stringify(init.payload);
    headers.set("content-type", "application/json");
  }
  const res = await client.call(pathAndQuery, {
    ...init,
    headers,
    body,
    method: init.method ?? (body ? "POST" : "GET"),
  });
  const text = await res.text();
  if (!res.ok) throw new ProxyError(res.status, upstreamErrorMessage(text, res.status), "upstream");
  try {
    return (text ? JSON.parse(text) : null) as T;
  } catch {
    throw new ProxyError(
      502,
      `upstream Ollama at ${client.baseUrl} sent invalid JSON for ${pathAndQuery}`,
      "upstream",
    );
  }
}

/** Ollama's own error text when the body is `{"error": "..."}`, else the raw text or the status. */
export function upstreamErrorMessage(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed?.error === "string") return parsed.error;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim() || `upstream answered ${status}`;
}
