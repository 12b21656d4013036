// CORS with Ollama's rules (built-in local origins plus CORS_ORIGINS), enforced by the proxy itself.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types.ts";

const BUILT_IN = [
  "http://localhost",
  "https://localhost",
  "http://localhost:*",
  "https://localhost:*",
  "http://127.0.0.1",
  "https://127.0.0.1",
  "http://127.0.0.1:*",
  "https://127.0.0.1:*",
  "http://0.0.0.0",
  "https://0.0.0.0",
  "http://0.0.0.0:*",
  "https://0.0.0.0:*",
  "app://*",
  "file://*",
  "tauri://*",
  "vscode-webview://*",
  "vscode-file://*",
];

const ALLOW_METHODS = "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS";
const ALLOW_HEADERS = [
  "Authorization",
  "Content-Type",
  "User-Agent",
  "Accept",
  "X-Requested-With",
  "X-Request-Id",
  "Openai-Beta",
  "X-Stainless-Arch",
  "X-Stainless-Async",
  "X-Stainless-Custom-Poll-Interval",
  "X-Stainless-Helper-Method",
  "X-Stainless-Lang",
  "X-Stainless-Os",
  "X-Stainless-Package-Version",
  "X-Stainless-Poll-Helper",
  "X-Stainless-Retry-Count",
  "X-Stainless-Runtime",
  "X-Stainless-Runtime-Version",
  "X-Stainless-Timeout",
  // The Anthropic SDK in a browser (the proxy serves /v1/messages).
  "X-Api-Key",
  "Anthropic-Version",
  "Anthropic-Beta",
  "Anthropic-Dangerous-Direct-Browser-Access",
].join(",");

/**
 * The proxy answers CORS itself (and does not pass `Origin` upstream) so that its own routes —
 * /health, /plugins, agent replies — behave like Ollama's for browser apps.
 */
export function cors(extraOrigins: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowAll = extraOrigins.includes("*");
  const patterns = [...BUILT_IN, ...extraOrigins.map((o) => o.toLowerCase())].map(toMatcher);
  return async function corsMiddleware(c, next) {
    const origin = c.req.header("origin");
    if (!origin) return next();
    const host = c.req.header("host") ?? "";
    const sameOrigin = origin === `http://${host}` || origin === `https://${host}`;
    const allowed = allowAll || sameOrigin || patterns.some((m) => m(origin.toLowerCase()));
    if (!allowed) return c.body(null, 403);
    if (c.req.method === "OPTIONS") {
      return c.body(null, 204, {
        "access-control-allow-origin": allowAll ? "*" : origin,
        "access-control-allow-methods": ALLOW_METHODS,
        "access-control-allow-headers": ALLOW_HEADERS,
        "access-control-max-age": "43200",
        vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
      });
    }
    await next();
    c.res.headers.set("access-control-allow-origin", allowAll ? "*" : origin);
    c.res.headers.set("access-control-expose-headers", "X-Request-Id, X-Agent-Chain");
    if (!allowAll) c.res.headers.append("vary", "Origin");
  };
}

function toMatcher(pattern: string): (origin: string) => boolean {
  if (!pattern.includes("*")) return (origin) => origin === pattern;
  const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
  return (origin) => re.test(origin);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
