// Every setting the proxy reads: its environment variable, CLI flag, default and help line.
import { z } from "zod";
import { normaliseOllamaUrl } from "./ollama-url.ts";
import { boolean, integer, list, oneOf, setting, text } from "./setting-types.ts";

const basePath = z
  .string()
  .trim()
  .transform((v) => (v === "" || v === "/" ? "" : `/${v.replace(/^\/+|\/+$/g, "")}`))
  .refine((v) => /^[A-Za-z0-9._~\-/]*$/.test(v), { error: "expected a URL path such as /ollama" });

const ollamaUrl = z.string().transform((raw, ctx) => {
  const result = normaliseOllamaUrl(raw);
  if ("error" in result) {
    ctx.addIssue({ code: "custom", message: result.error });
    return z.NEVER;
  }
  return result.url;
});

export const SETTINGS = {
  ollamaUrl: setting({
    env: "OLLAMA_URL",
    flag: "--ollama-url",
    default: "http://127.0.0.1:11434",
    help: "Upstream Ollama: host, host:port, :port or URL with optional path prefix (as OLLAMA_HOST)",
    schema: ollamaUrl,
  }),
  host: setting({
    env: "PROXY_HOST",
    flag: "--host",
    default: "127.0.0.1",
    help: "Address the proxy listens on (0.0.0.0 for every interface)",
    schema: text().pipe(z.string().min(1, { error: "expected a host name or IP address" })),
  }),
  port: setting({
    env: "PROXY_PORT",
    flag: "--port",
    default: "11435",
    help: "Port the proxy listens on (0 picks a free one)",
    schema: integer(0, 65535),
  }),
  basePath: setting({
    env: "PROXY_BASE_PATH",
    flag: "--base-path",
    default: "",
    help: "Serve everything under this path prefix, e.g. /ollama",
    schema: basePath,
  }),
  agentsDir: setting({
    env: "AGENTS_DIR",
    flag: "--agents-dir",
    default: "./agents",
    help: "Folder of agent modules, resolved from the working directory",
    schema: text().pipe(z.string().min(1, { error: "expected a folder path" })),
  }),
  logLevel: setting({
    env: "LOG_LEVEL",
    flag: "--log-level",
    default: "info",
    help: "debug, info, warn or error",
    schema: oneOf(["debug", "info", "warn", "error"] as const),
  }),
  logFormat: setting({
    env: "LOG_FORMAT",
    flag: "--log-format",
    default: "json",
    help: "json (one object per line) or pretty",
    schema: oneOf(["json", "pretty"] as const),
  }),
  idleTimeout: setting({
    env: "IDLE_TIMEOUT",
    flag: "--idle-timeout",
    default: "30",
    help: "Seconds an idle client connection is kept open between requests (1-255)",
    schema: integer(1, 255),
  }),
  upstreamIdleTimeout: setting({
    env: "UPSTREAM_IDLE_TIMEOUT",
    flag: "--upstream-idle-timeout",
    default: "0",
    help: "Seconds a forwarded request may stay silent (model loads, pulls) before it is cut; 0 = never",
    schema: integer(0, 86_400),
  }),
  shutdownGrace: setting({
    env: "SHUTDOWN_GRACE",
    flag: "--shutdown-grace",
    default: "15",
    help: "Seconds in-flight requests get to finish after SIGTERM/SIGINT",
    schema: integer(0, 3600),
  }),
  healthTimeout: setting({
    env: "HEALTH_TIMEOUT_MS",
    flag: "--health-timeout-ms",
    default: "2000",
    help: "How long /health waits for the upstream before calling it unreachable",
    schema: integer(50, 60_000),
  }),
  hostCheck: setting({
    env: "HOST_CHECK",
    flag: "--host-check",
    default: "auto",
    help: "Refuse foreign Host headers like Ollama does (DNS-rebinding guard): auto (on when listening on loopback), on, off",
    schema: oneOf(["auto", "on", "off"] as const),
  }),
  corsOrigins: setting({
    env: "CORS_ORIGINS",
    flag: "--cors-origins",
    default: "",
    help: "Extra browser origins allowed, comma-separated, * for all (as OLLAMA_ORIGINS)",
    schema: list(),
  }),
  accessLog: setting({
    env: "ACCESS_LOG",
    flag: "--access-log",
    default: "true",
    help: "Write one log line per request",
    schema: boolean(),
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { readonly [K in SettingKey]: z.output<(typeof SETTINGS)[K]["schema"]> };
