// Every setting the proxy reads: its environment variable, CLI flag, default and help line.
import { z } from "zod";
import { jsonMap, pairsMap } from "./file-values.ts";
import { keyDefaultsFileForm, keyDefaultsSetting } from "./key-defaults.ts";
import {
  aliasesSetting,
  keepAliveSetting,
  modelKeepAliveSetting,
  modelListSetting,
  modelNameSetting,
} from "./model-settings.ts";
import { normaliseOllamaUrl, redactOllamaUrl } from "./ollama-url.ts";
import { httpUrlOrEmpty, otelHeaders, ratio } from "./otel-settings.ts";
import { boolean, integer, list, nonEmptyText, oneOf, setting, text } from "./setting-types.ts";
import { upstreamsFileForm, upstreamsSetting } from "./upstreams.ts";

const basePath = z.string().transform((raw, ctx) => {
  const v = raw.trim();
  const path = v === "" || v === "/" ? "" : `/${v.replace(/^\/+|\/+$/g, "")}`;
  if (/^[A-Za-z0-9._~\-/]*$/.test(path)) return path;
  ctx.addIssue({ code: "custom", message: "expected a URL path such as /ollama" });
  return z.NEVER;
});

const ollamaUrl = z.string().transform((raw, ctx) => {
  const result = normaliseOllamaUrl(raw);
  if ("error" in result) {
    ctx.addIssue({ code: "custom", message: result.error });
    return z.NEVER;
  }
  return result.url;
});

export const SETTINGS = {
  configFile: setting({
    env: "CONFIG_FILE",
    flag: "--config",
    default: "",
    help: "YAML or JSON file of settings (keys: the flag names without --) and presets; watched and applied live",
    schema: text(),
  }),
  ollamaUrl: setting({
    env: "OLLAMA_URL",
    flag: "--ollama-url",
    default: "http://127.0.0.1:11434",
    help: "Upstream Ollama: host, host:port, :port or URL with optional path prefix (as OLLAMA_HOST); user:pass@ is sent as Basic auth",
    schema: ollamaUrl,
    redact: redactOllamaUrl,
  }),
  upstreams: setting({
    env: "UPSTREAMS",
    flag: "--upstreams",
    default: "",
    help: "Ollama servers of a fleet, name=url,... (the file also takes max-concurrent and weight per server); empty = OLLAMA_URL alone",
    schema: upstreamsSetting(),
    live: true,
    file: upstreamsFileForm(),
  }),
  fleetPollMs: setting({
    env: "FLEET_POLL_MS",
    flag: "--fleet-poll-ms",
    default: "5000",
    help: "Interval at which each upstream's models (/api/tags), loaded models (/api/ps) and health are read",
    schema: integer(100, 3_600_000),
    live: true,
  }),
  fleetAffinity: setting({
    env: "FLEET_AFFINITY",
    flag: "--fleet-affinity",
    default: "false",
    help: "Send a conversation back to the upstream that answered its first turns (its prompt cache), when that one can take it",
    schema: boolean(),
    live: true,
  }),
  fleetPullTarget: setting({
    env: "FLEET_PULL_TARGET",
    flag: "--fleet-pull-target",
    default: "",
    help: "Upstream that pulls on demand and un-targeted /api/pull go to; empty = the least loaded healthy one",
    schema: text(),
    live: true,
  }),
  fleetQueueMax: setting({
    env: "FLEET_QUEUE_MAX",
    flag: "--fleet-queue-max",
    default: "1000",
    help: "Requests that may wait for an upstream at its max-concurrent; one more gets 503 with Retry-After",
    schema: integer(0, 1_000_000),
    live: true,
  }),
  fleetQueueWaitMs: setting({
    env: "FLEET_QUEUE_WAIT_MS",
    flag: "--fleet-queue-wait-ms",
    default: "60000",
    help: "Longest a request waits in that queue before it gets 503 with Retry-After",
    schema: integer(1, 86_400_000),
    live: true,
  }),
  fleetHeadersTimeoutMs: setting({
    env: "FLEET_HEADERS_TIMEOUT_MS",
    flag: "--fleet-headers-timeout-ms",
    default: "0",
    help: "Inference that gets no response headers from an upstream this long fails over to the next one; 0 = wait (model loads are silent)",
    schema: integer(0, 86_400_000),
    live: true,
  }),
  fleetBreakerFailures: setting({
    env: "FLEET_BREAKER_FAILURES",
    flag: "--fleet-breaker-failures",
    default: "3",
    help: "Failures in a row (connection errors, timeouts, 5xx, failed health checks) that open an upstream's circuit breaker",
    schema: integer(1, 1000),
    live: true,
  }),
  fleetBreakerBackoffMs: setting({
    env: "FLEET_BREAKER_BACKOFF_MS",
    flag: "--fleet-breaker-backoff-ms",
    default: "1000",
    help: "First wait before an open breaker lets one probe through (half-open); doubles per failed probe up to 60 s",
    schema: integer(10, 600_000),
    live: true,
  }),
  host: setting({
    env: "PROXY_HOST",
    flag: "--host",
    default: "127.0.0.1",
    help: "Address the proxy listens on (0.0.0.0 for every interface)",
    schema: nonEmptyText("a host name or IP address"),
  }),
  port: setting({
    env: "PROXY_PORT",
    flag: "--port",
    default: "11480",
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
    schema: nonEmptyText("a folder path"),
  }),
  agentsWatch: setting({
    env: "AGENTS_WATCH",
    flag: "--agents-watch",
    default: "true",
    help: "Reload agents when files in the agents folder change",
    schema: boolean(),
  }),
  agentSettings: setting({
    env: "AGENT_SETTINGS",
    flag: "--agent-settings",
    default: "",
    help: 'Per-agent settings: a JSON file path or inline JSON, e.g. {"translate":{"model":"llama3.2"}}',
    schema: text(),
    live: true,
    file: jsonMap(),
  }),
  agentTimeoutMs: setting({
    env: "AGENT_TIMEOUT_MS",
    flag: "--agent-timeout-ms",
    default: "30000",
    help: "Longest an agent hook may take (request rewrite, one transform step) before the request fails",
    schema: integer(1, 3_600_000),
  }),
  unknownCommand: setting({
    env: "UNKNOWN_COMMAND",
    flag: "--unknown-command",
    default: "reply",
    help: "What an unknown /word at the start of a message does: reply (list the agents) or pass (send verbatim)",
    schema: oneOf(["reply", "pass"] as const),
    live: true,
  }),
  progressAfterMs: setting({
    env: "PROGRESS_AFTER_MS",
    flag: "--progress-after-ms",
    default: "2000",
    help: "Silence (model load, pull) after which a streaming client starts getting progress output; 0 = never",
    schema: integer(0, 600_000),
  }),
  progressEveryMs: setting({
    env: "PROGRESS_EVERY_MS",
    flag: "--progress-every-ms",
    default: "5000",
    help: "Interval between progress outputs while the wait goes on",
    schema: integer(100, 600_000),
  }),
  progressNative: setting({
    env: "PROGRESS_NATIVE",
    flag: "--progress-native",
    default: "empty",
    help: "Progress in Ollama streams: empty (chunks with empty content), thinking (text as message.thinking) or none",
    schema: oneOf(["empty", "thinking", "none"] as const),
  }),
  progressOpenAI: setting({
    env: "PROGRESS_OPENAI",
    flag: "--progress-openai",
    default: "comment",
    help: "Progress in /v1 streams: comment (SSE ': pulling x 42%' lines), reasoning (delta.reasoning) or none",
    schema: oneOf(["comment", "reasoning", "none"] as const),
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
  idleTimeoutSeconds: setting({
    env: "IDLE_TIMEOUT",
    flag: "--idle-timeout",
    default: "30",
    help: "Seconds an idle client connection is kept open between requests (1-255)",
    schema: integer(1, 255),
  }),
  upstreamIdleTimeoutSeconds: setting({
    env: "UPSTREAM_IDLE_TIMEOUT",
    flag: "--upstream-idle-timeout",
    default: "0",
    help: "Seconds a forwarded request may stay silent (model loads, pulls) before it is cut; 0 = never",
    schema: integer(0, 86_400),
  }),
  shutdownGraceSeconds: setting({
    env: "SHUTDOWN_GRACE",
    flag: "--shutdown-grace",
    default: "15",
    help: "Seconds in-flight requests get to finish after SIGTERM/SIGINT",
    schema: integer(0, 3600),
  }),
  healthTimeoutMs: setting({
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
  // Model management: aliases, default model, pull on demand, warm-up and keep-alive defaults.
  modelAliases: setting({
    env: "MODEL_ALIASES",
    flag: "--model-aliases",
    default: "",
    help: "Model aliases, alias=target,... (e.g. gpt-4o-mini=llama3.2:3b); listed by /api/tags and /v1/models",
    schema: aliasesSetting(),
    live: true,
    file: pairsMap(),
  }),
  defaultModel: setting({
    env: "DEFAULT_MODEL",
    flag: "--default-model",
    default: "",
    help: "Model used for chat requests that name none (may be an alias)",
    schema: modelNameSetting(),
    live: true,
  }),
  autoPull: setting({
    env: "AUTO_PULL",
    flag: "--auto-pull",
    default: "true",
    help: "Pull a model the upstream lacks when a request names it (off: Ollama's own 404 reaches the client)",
    schema: boolean(),
    live: true,
  }),
  pullAllow: setting({
    env: "PULL_ALLOW",
    flag: "--pull-allow",
    default: "",
    help: "Globs of models auto-pull may fetch, comma-separated (* any run, ? one char); empty = all",
    schema: list(),
    live: true,
  }),
  pullDeny: setting({
    env: "PULL_DENY",
    flag: "--pull-deny",
    default: "",
    help: "Globs of models auto-pull must never fetch; wins over PULL_ALLOW",
    schema: list(),
    live: true,
  }),
  pullRetryAfterMs: setting({
    env: "PULL_RETRY_AFTER_MS",
    flag: "--pull-retry-after-ms",
    default: "30000",
    help: "After a failed pull, requests get that failure for this long before a new pull is tried",
    schema: integer(0, 86_400_000),
  }),
  pullGraceMs: setting({
    env: "PULL_GRACE_MS",
    flag: "--pull-grace-ms",
    default: "30000",
    help: "How long a pull nobody waits for any more goes on (a retrying client rejoins it); 0 = stop at once",
    schema: integer(0, 86_400_000),
  }),
  warmModels: setting({
    env: "WARM_MODELS",
    flag: "--warm-models",
    default: "",
    help: "Models to load at start-up (pulled first if missing and allowed) and again whenever one is pulled",
    schema: modelListSetting(),
  }),
  warmOnPull: setting({
    env: "WARM_ON_PULL",
    flag: "--warm-on-pull",
    default: "false",
    help: "Load every model right after the proxy pulled it",
    schema: boolean(),
  }),
  keepAlive: setting({
    env: "KEEP_ALIVE",
    flag: "--keep-alive",
    default: "",
    help: "keep_alive for /v1 requests that carry none and for warm-up loads (seconds, 5m, 1h, -1 = forever); empty = Ollama's default",
    schema: keepAliveSetting(),
    live: true,
  }),
  modelKeepAlive: setting({
    env: "MODEL_KEEP_ALIVE",
    flag: "--model-keep-alive",
    default: "",
    help: "Per-model keep_alive, model=duration,... (wins over KEEP_ALIVE; also used for warm-up loads)",
    schema: modelKeepAliveSetting(),
    live: true,
    file: pairsMap(),
  }),
  modelsCacheMs: setting({
    env: "MODELS_CACHE_MS",
    flag: "--models-cache-ms",
    default: "5000",
    help: "How long the list of installed models (/api/tags) is trusted; a missing model always re-checks",
    schema: integer(0, 3_600_000),
  }),
  // Memory bounds: what one request or one upstream line may make the proxy hold.
  maxBodyMb: setting({
    env: "MAX_BODY_MB",
    flag: "--max-body-mb",
    default: "100",
    help: "Largest request body, in MB, for /api/chat, /api/generate, /api/embed(dings) and every /v1 route (images ride in them); more is a 413",
    schema: integer(1, 4096),
  }),
  maxSmallBodyMb: setting({
    env: "MAX_SMALL_BODY_MB",
    flag: "--max-small-body-mb",
    default: "1",
    help: "Largest request body, in MB, for every other route (pull, show, copy, delete...); blob uploads and /api/create have no limit",
    schema: integer(1, 4096),
  }),
  maxLineMb: setting({
    env: "MAX_LINE_MB",
    flag: "--max-line-mb",
    default: "32",
    help: "Longest NDJSON line, in MB, the proxy reads from Ollama when it parses a stream (agents, /v1, pulls); a longer one fails the request",
    schema: integer(1, 4096),
  }),
  // Protection of the server itself: a client that stalls or floods cannot hold it.
  bodyTimeoutMs: setting({
    env: "BODY_TIMEOUT_MS",
    flag: "--body-timeout-ms",
    default: "30000",
    help: "Longest pause a client may make while sending its request body (a body up to 64 KB: the whole body) before it gets 408; 0 = never",
    schema: integer(0, 3_600_000),
  }),
  maxRequestsPerClient: setting({
    env: "MAX_REQUESTS_PER_CLIENT",
    flag: "--max-requests-per-client",
    default: "1024",
    help: "Requests one client address may have in flight at once; more get 503 (health checks excepted); 0 = no limit",
    schema: integer(0, 1_000_000),
  }),
  // Agents load in the background: the proxy listens at once and reports slow files in /plugins.
  agentImportTimeoutMs: setting({
    env: "AGENT_IMPORT_TIMEOUT_MS",
    flag: "--agent-import-timeout-ms",
    default: "10000",
    help: "Longest an agent file may take to load (a top-level await that never settles) before it is reported as failed",
    schema: integer(1, 3_600_000),
  }),
  agentMemoryMb: setting({
    env: "AGENT_MEMORY_MB",
    flag: "--agent-memory-mb",
    default: "256",
    help: "Memory budget of each agent's worker; an agent that grows past it is restarted and its requests fail",
    schema: integer(16, 65_536),
  }),
  // Observability: OpenTelemetry traces (off unless an endpoint is set) and the live event stream.
  otelEndpoint: setting({
    env: "OTEL_EXPORTER_OTLP_ENDPOINT",
    flag: "--otel-endpoint",
    default: "",
    help: "OTLP/HTTP collector base URL (traces go to <url>/v1/traces); empty = no tracing unless OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set",
    schema: httpUrlOrEmpty(),
  }),
  otelTracesEndpoint: setting({
    env: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    flag: "--otel-traces-endpoint",
    default: "",
    help: "OTLP/HTTP traces URL, used as it is (wins over OTEL_EXPORTER_OTLP_ENDPOINT)",
    schema: httpUrlOrEmpty(),
  }),
  otelHeaders: setting({
    env: "OTEL_EXPORTER_OTLP_HEADERS",
    flag: "--otel-headers",
    default: "",
    help: "Headers sent to the collector, key=value pairs separated by commas (values percent-encoded); never logged",
    schema: otelHeaders(),
    redact: () => "(hidden)",
  }),
  otelServiceName: setting({
    env: "OTEL_SERVICE_NAME",
    flag: "--otel-service-name",
    default: "ollama-smart-proxy",
    help: "service.name of the proxy's spans",
    schema: nonEmptyText("a service name"),
  }),
  otelSampler: setting({
    env: "OTEL_TRACES_SAMPLER",
    flag: "--otel-sampler",
    default: "parentbased_always_on",
    help: "Which requests are traced: always_on, always_off, traceidratio, or parentbased_ each of those (follow an incoming traceparent's choice)",
    schema: oneOf([
      "always_on",
      "always_off",
      "traceidratio",
      "parentbased_always_on",
      "parentbased_always_off",
      "parentbased_traceidratio",
    ]),
  }),
  otelSamplerArg: setting({
    env: "OTEL_TRACES_SAMPLER_ARG",
    flag: "--otel-sampler-arg",
    default: "1",
    help: "The ratio of requests traced by the traceidratio samplers, 0 to 1",
    schema: ratio(),
  }),
  otelCaptureContent: setting({
    env: "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
    flag: "--otel-capture-content",
    default: "false",
    help: "Put prompt and completion text in spans (gen_ai.input.messages, gen_ai.output.messages); off, as the text may be private",
    schema: boolean(),
  }),
  eventsBuffer: setting({
    env: "EVENTS_BUFFER",
    flag: "--events-buffer",
    default: "1024",
    help: "Events GET /events holds for one subscriber that reads slowly; past that the subscriber is dropped",
    schema: integer(16, 1_000_000),
  }),
  // The dashboard's request captures (src/features/ui/captures.ts): off by default, bodies may be private.
  captureBodies: setting({
    env: "CAPTURE_BODIES",
    flag: "--capture-bodies",
    default: "false",
    help: "Keep request and response bodies (secrets redacted, each cut at CAPTURE_BODY_BYTES) for the dashboard's request detail; off, as they may be private",
    schema: boolean(),
    live: true,
  }),
  captureBufferBytes: setting({
    env: "CAPTURE_BUFFER_BYTES",
    flag: "--capture-buffer-bytes",
    default: "4194304",
    help: "Most bytes of captured bodies kept in memory; the oldest captures are let go first",
    schema: integer(65_536, 1_073_741_824),
    live: true,
  }),
  captureBodyBytes: setting({
    env: "CAPTURE_BODY_BYTES",
    flag: "--capture-body-bytes",
    default: "65536",
    help: "Most bytes kept of each captured request or response body; the rest is counted, not kept",
    schema: integer(256, 16_777_216),
    live: true,
  }),
  // Keys, per-key policy and usage (src/auth): off by default, as Ollama.
  auth: setting({
    env: "AUTH",
    flag: "--auth",
    default: "off",
    help: "off (anyone who can reach the proxy may use it, as Ollama) or keys (every route but /health/live and the dashboard page needs an API key)",
    schema: oneOf(["off", "keys"] as const),
  }),
  databaseUrl: setting({
    env: "DATABASE_URL",
    flag: "--database-url",
    default: "./data/proxy.sqlite",
    help: "Where keys and usage are kept: a SQLite file (relative to the working directory) or a postgres:// URL shared by replicas",
    schema: nonEmptyText("a file path or a postgres:// URL"),
    redact: redactUrlPassword,
  }),
  authSecret: setting({
    env: "AUTH_SECRET",
    flag: "--auth-secret",
    default: "",
    help: "Secret the stored key hashes are keyed with; empty = a file made once in the database's folder (replicas sharing PostgreSQL need the same one)",
    schema: text(),
    redact: () => "***",
  }),
  keyDefaults: setting({
    // Not KEY_DEFAULTS: a variable named *KEY* is masked everywhere as a secret, and this is none.
    env: "AUTH_DEFAULTS",
    flag: "--key-defaults",
    default: "",
    help: "Policy for every key's unset fields: models, agents, manage, rpm, tpm, concurrency, budget-tokens-per-day/-month (a map in the config file, JSON as flag or variable); the key's own value wins",
    schema: keyDefaultsSetting(),
    live: true,
    file: keyDefaultsFileForm(),
  }),
  redisUrl: setting({
    env: "REDIS_URL",
    flag: "--redis-url",
    default: "",
    help: "redis:// URL shared by replicas: rate-limit and concurrency counters, and pulls (one per model across every replica); empty = each process on its own",
    schema: text(),
    redact: redactUrlPassword,
  }),
} as const;

/** A URL as an error message may echo it: the password replaced. */
function redactUrlPassword(raw: string): string {
  return raw.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
}

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { readonly [K in SettingKey]: z.output<(typeof SETTINGS)[K]["schema"]> };
