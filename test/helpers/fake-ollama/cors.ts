// gin-contrib/cors as Ollama configures it: built-in local origins plus OLLAMA_ORIGINS-style extras.

const BUILTIN_ORIGINS = [
  ...["localhost", "127.0.0.1", "0.0.0.0"].flatMap((h) => [
    `http://${h}`,
    `https://${h}`,
    `http://${h}:*`,
    `https://${h}:*`,
  ]),
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
  "Openai-Beta",
  ...[
    "Arch",
    "Async",
    "Custom-Poll-Interval",
    "Helper-Method",
    "Lang",
    "Os",
    "Package-Version",
    "Poll-Helper",
    "Retry-Count",
    "Runtime",
    "Runtime-Version",
    "Timeout",
  ].map((h) => `X-Stainless-${h}`),
].join(",");

function matches(pattern: string, origin: string): boolean {
  const star = pattern.indexOf("*");
  if (star === -1) return pattern === origin;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return (
    origin.length >= prefix.length + suffix.length && origin.startsWith(prefix) && origin.endsWith(suffix)
  );
}

export type CorsDecision =
  | { kind: "none" }
  | { kind: "reject" }
  | { kind: "preflight"; headers: Record<string, string> }
  | { kind: "allow"; headers: Record<string, string> };

export function corsDecision(req: Request, extraOrigins: readonly string[]): CorsDecision {
  const origin = req.headers.get("origin");
  if (!origin) return { kind: "none" };
  const host = req.headers.get("host") ?? "";
  if (origin === `http://${host}` || origin === `https://${host}`) return { kind: "none" };
  const extras = extraOrigins.map((o) => o.toLowerCase());
  const allowAll = extras.includes("*");
  if (!allowAll && ![...BUILTIN_ORIGINS, ...extras].some((p) => matches(p, origin.toLowerCase()))) {
    return { kind: "reject" };
  }
  const allowOrigin = { "access-control-allow-origin": allowAll ? "*" : origin };
  if (req.method === "OPTIONS") {
    return {
      kind: "preflight",
      headers: {
        ...allowOrigin,
        "access-control-allow-methods": ALLOW_METHODS,
        "access-control-allow-headers": ALLOW_HEADERS,
        "access-control-max-age": "43200",
        vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
      },
    };
  }
  return { kind: "allow", headers: { ...allowOrigin, ...(allowAll ? {} : { vary: "Origin" }) } };
}
