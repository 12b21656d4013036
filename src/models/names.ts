// Ollama's model-name equivalence (default host, namespace and tag), cloud names and pull globs.
import { MAX_NAME_LENGTH } from "./valid-name.ts";

const DEFAULT_PREFIXES = ["registry.ollama.ai/library/", "registry.ollama.ai/", "library/"];

/**
 * The key two names share when Ollama would treat them as the same model: `llama3.2`,
 * `library/llama3.2` and `registry.ollama.ai/library/llama3.2:latest` all become `llama3.2:latest`.
 * Ollama compares names case-insensitively, so the key is lower-cased too.
 */
export function modelKey(name: string): string {
  let key = keys.get(name);
  if (key === undefined) {
    key = computeKey(name);
    // Clients send the same few names over and over; any name at all may arrive, so the memo is
    // bounded in entries and in bytes: only names of a valid length are remembered.
    if (name.length > MAX_NAME_LENGTH) return key;
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(name, key);
  }
  return key;
}

const MAX_KEYS = 1000;
const keys = new Map<string, string>();

function computeKey(name: string): string {
  let n = name.trim().toLowerCase();
  const at = n.indexOf("@");
  if (at !== -1) n = n.slice(0, at);
  for (const prefix of DEFAULT_PREFIXES) {
    if (n.startsWith(prefix)) {
      n = n.slice(prefix.length);
      break;
    }
  }
  const lastSegment = n.slice(n.lastIndexOf("/") + 1);
  return lastSegment.includes(":") ? n : `${n}:latest`;
}

/** The forms a glob is matched against: the full key, and the bare name when the tag is `latest`. */
function matchForms(name: string): string[] {
  const key = modelKey(name);
  return key.endsWith(":latest") ? [key, key.slice(0, -":latest".length)] : [key];
}

/** Cloud models (`qwen3:cloud`, `gpt-oss:120b-cloud`) are served remotely by Ollama and never pulled. */
export function isCloudModel(name: string): boolean {
  // The key always ends in its tag, and neither suffix holds a colon: the tag is `cloud` or ends in `-cloud`.
  const key = modelKey(name);
  return key.endsWith(":cloud") || key.endsWith("-cloud");
}

/** `*` matches any run of characters (slashes and colons included), `?` exactly one. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .trim()
    .toLowerCase()
    .split("")
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

export interface PullPolicy {
  /** Empty = every model may be pulled. */
  allow: readonly string[];
  /** Wins over `allow`. */
  deny: readonly string[];
}

/** Why auto-pull may not fetch `name`, or null when it may. */
export function pullRefusal(name: string, policy: PullPolicy): string | null {
  const forms = matchForms(name);
  const hits = (globs: readonly string[]) =>
    globs.find((g) => {
      const re = globToRegExp(g);
      return forms.some((f) => re.test(f));
    });
  const denied = hits(policy.deny);
  if (denied !== undefined) return `pulling it on demand is denied by PULL_DENY (${denied})`;
  if (policy.allow.length > 0 && hits(policy.allow) === undefined)
    return "pulling it on demand is not allowed by PULL_ALLOW";
  return null;
}
