// `ollama-smart-proxy keys create|list|revoke|usage`: managing keys from a shell, on the same store
// the proxy reads (DATABASE_URL, AUTH_SECRET: flags, environment or the config file).
import { storeSettingsOf } from "./cli-settings.ts";
import { parseDuration, utcDay } from "./duration.ts";
import { openKeyStore } from "./index.ts";
import { createFromOptions, keyView } from "./manage.ts";
import { KeyStoreError } from "./store.ts";

const USAGE = `usage: ollama-smart-proxy keys <command>
  create --name NAME [--owner O] [--models 'llama3*,qwen3:*'] [--agents a,b] [--rpm N] [--tpm N]
         [--concurrency N] [--budget-tokens-per-day N] [--budget-tokens-per-month N]
         [--manage] [--admin] [--ssh-key 'ssh-ed25519 AAAA...']... [--expires 30d]
         prints the new key alone on the last line (it is shown only once)
  list                         every key, its state and policy in force (with AUTH_DEFAULTS or
                               the config file's key-defaults for the fields it leaves unset)
  revoke NAME|PREFIX           takes effect within 2 s in every running proxy
  usage [NAME] [--since 7d]    requests and tokens per key, day, model and route
Store: --database-url / DATABASE_URL, --auth-secret / AUTH_SECRET, or the config file's
       database-url and auth-secret (--config / CONFIG_FILE), as the proxy reads them.`;

const VALUE_FLAGS = new Set([
  "name",
  "owner",
  "models",
  "agents",
  "rpm",
  "tpm",
  "concurrency",
  "budget-tokens-per-day",
  "budget-tokens-per-month",
  "ssh-key",
  "expires",
  "since",
  "database-url",
  "auth-secret",
  "config",
]);
const BOOLEAN_FLAGS = new Set(["manage", "admin", "json"]);

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Returns the exit code; never throws for a user's mistake. */
export async function runKeysCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
  io: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
): Promise<number> {
  const parsed = parseFlags(argv);
  if (typeof parsed === "string") {
    io.err(`ollama-smart-proxy keys: ${parsed}\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positional;
  if (!command || command === "help" || parsed.flags.has("help")) {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  const settings = storeSettingsOf((name) => first(parsed, name), env, cwd);
  if ("error" in settings) {
    io.err(`ollama-smart-proxy keys: ${settings.error}`);
    return 2;
  }
  let opened: Awaited<ReturnType<typeof openKeyStore>>;
  try {
    opened = await openKeyStore(settings, cwd);
  } catch (err) {
    io.err(`ollama-smart-proxy keys: cannot open the key store: ${(err as Error).message}`);
    return 1;
  }
  const { store } = opened;
  try {
    switch (command) {
      case "create": {
        const { key, record } = await createFromOptions(store, {
          name: first(parsed, "name"),
          owner: first(parsed, "owner"),
          models: first(parsed, "models"),
          agents: first(parsed, "agents"),
          sshKeys: parsed.flags.get("ssh-key"),
          expires: first(parsed, "expires"),
          manage: parsed.flags.has("manage") || undefined,
          admin: parsed.flags.has("admin") || undefined,
          rpm: int(parsed, "rpm"),
          tpm: int(parsed, "tpm"),
          concurrency: int(parsed, "concurrency"),
          tokensPerDay: int(parsed, "budget-tokens-per-day"),
          tokensPerMonth: int(parsed, "budget-tokens-per-month"),
        });
        const view = keyView(record, settings.keyDefaults);
        io.out(`created key '${view.name}' (owner ${view.owner}, prefix ${view.prefix}): ${view.summary}`);
        if (view.expiresAt) io.out(`expires ${view.expiresAt}`);
        io.out("the key is shown this once; the proxy keeps only a hash of it:");
        io.out(key);
        return 0;
      }
      case "list": {
        const keys = (await store.list()).map((k) => keyView(k, settings.keyDefaults));
        if (parsed.flags.has("json")) io.out(JSON.stringify(keys, null, 2));
        else
          table(
            io,
            ["NAME", "OWNER", "PREFIX", "STATE", "POLICY", "CREATED", "EXPIRES"],
            keys.map((k) => [
              k.name,
              k.owner,
              k.prefix,
              k.revokedAt
                ? "revoked"
                : k.expiresAt && Date.parse(k.expiresAt) <= Date.now()
                  ? "expired"
                  : "active",
              k.summary,
              k.createdAt.slice(0, 16),
              k.expiresAt?.slice(0, 16) ?? "-",
            ]),
          );
        return 0;
      }
      case "revoke": {
        const target = rest[0];
        if (!target) throw new KeyStoreError("revoke needs a key name or prefix");
        const revoked = await store.revoke(target);
        if (!revoked) throw new KeyStoreError(`no key named or prefixed '${target}'`);
        io.out(`revoked key '${revoked.name}' (${revoked.prefix})`);
        return 0;
      }
      case "usage": {
        const ms = parseDuration(first(parsed, "since") ?? "7d");
        if (ms === null) throw new KeyStoreError("--since must be a duration such as 7d or 12h");
        const rows = await store.usage(utcDay(Date.now() - ms), rest[0]);
        if (parsed.flags.has("json")) io.out(JSON.stringify(rows, null, 2));
        else
          table(
            io,
            [
              "NAME",
              "DAY",
              "MODEL",
              "ROUTE",
              "USER",
              "REQUESTS",
              "ERRORS",
              "IN_TOKENS",
              "OUT_TOKENS",
              "AVG_MS",
              "AVG_FIRST_MS",
            ],
            rows.map((r) => [
              r.name,
              r.day,
              r.model || "-",
              r.route,
              r.endUser || "-",
              r.requests,
              r.errors,
              r.inputTokens,
              r.outputTokens,
              Math.round(r.totalMs / Math.max(1, r.requests)),
              r.firstTokenCount ? Math.round(r.firstTokenMs / r.firstTokenCount) : "-",
            ]),
          );
        return 0;
      }
      default:
        throw new KeyStoreError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (!(err instanceof KeyStoreError)) throw err;
    io.err(`ollama-smart-proxy keys: ${err.message}`);
    return 2;
  } finally {
    await store.close();
  }
}

interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
}

function parseFlags(argv: readonly string[]): Parsed | string {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (name === "help") {
      flags.set("help", []);
      continue;
    }
    let value: string | undefined;
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq !== -1) return `--${name} takes no value`;
      value = "";
    } else if (VALUE_FLAGS.has(name)) {
      value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) return `--${name} needs a value`;
    } else return `unknown flag --${name}`;
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

function first(p: Parsed, name: string): string | undefined {
  return p.flags.get(name)?.[0];
}

function int(p: Parsed, name: string): number | undefined {
  const v = first(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new KeyStoreError(`--${name} must be a positive integer`);
  return Number(v);
}

function table(io: Io, head: string[], rows: Array<Array<string | number>>): void {
  const all = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  for (const r of all)
    io.out(
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    );
}
