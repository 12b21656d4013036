// Ollama's model-name rules: which names are valid at all, and when two names are the same model.
import { ProxyError } from "../errors.ts";

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

/**
 * Ollama's own answer (400) to a name its parser refuses, on every route that takes one. The name is
 * never repeated: it may be megabytes long, and nothing about it is kept (no pull, no failure entry,
 * no log field).
 */
export function invalidModelName(): ProxyError {
  return new ProxyError(400, "invalid model name", "proxy", "model");
}

/**
 * Part lengths from Ollama's types/model/name.go: host 1-350, namespace, model and tag 1-80 each.
 * With the separators, an optional `scheme://` (bounded here, see below) and a `:cloud` suffix, no
 * valid name is longer than this.
 */
export const MAX_NAME_LENGTH = 350 + 80 * 3 + 3 + 16 + 3 + 6;

const PART_FIRST = /^[A-Za-z0-9_]/;
const PARTS = {
  host: { max: 350, rest: /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/ },
  namespace: { max: 80, rest: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/ },
  model: { max: 80, rest: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/ },
  tag: { max: 80, rest: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/ },
} as const;
/** Ollama leaves the scheme unchecked; the proxy wants it short so a name stays bounded. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]{0,15}$/;

function validPart(kind: keyof typeof PARTS, part: string): boolean {
  const rule = PARTS[kind];
  return part.length >= 1 && part.length <= rule.max && PART_FIRST.test(part) && rule.rest.test(part);
}

/**
 * Whether Ollama would accept `raw` as a model name (internal/modelref ParseRef, then
 * model.ParseName(...).IsValid()): surrounding spaces are trimmed, a `:cloud`/`:local` source
 * suffix (or a tag ending in `-cloud`) is set aside, and host, namespace, model and tag must each
 * follow their character and length rules. Only ASCII can pass, so lengths are bytes as in Go.
 */
export function isValidModelName(raw: string): boolean {
  if (raw.length > MAX_NAME_LENGTH * 2) return false;
  const name = raw.trim();
  if (name === "" || name.length > MAX_NAME_LENGTH) return false;
  let s = withoutSource(name);
  let tag = "latest";
  if (s.lastIndexOf(":") > s.lastIndexOf("/")) {
    const at = s.lastIndexOf(":");
    tag = s.slice(at + 1);
    s = s.slice(0, at);
  }
  const parts = s.split("/");
  if (parts.length > 3) {
    // Only a `scheme://host/namespace/model` has more slashes; anything else puts one in the host.
    const schemeEnd = s.indexOf("://");
    if (schemeEnd === -1 || !SCHEME.test(s.slice(0, schemeEnd))) return false;
    const rest = s.slice(schemeEnd + 3).split("/");
    return rest.length === 3 && validName(rest, tag);
  }
  return validName(parts, tag);
}

function validName(parts: string[], tag: string): boolean {
  if (parts.length > 3) return false;
  const model = parts.at(-1) ?? "";
  const namespace = parts.length >= 2 ? (parts.at(-2) ?? "") : "library";
  const host = parts.length === 3 ? (parts[0] ?? "") : "registry.ollama.ai";
  return (
    validPart("host", host) &&
    validPart("namespace", namespace) &&
    validPart("model", model) &&
    validPart("tag", tag)
  );
}

/** Ollama's parseSourceSuffix: `x:cloud` and `x:local` mean `x`; `x:8b-cloud` means `x:8b`. */
function withoutSource(name: string): string {
  const at = name.lastIndexOf(":");
  if (at === -1) return name;
  const suffixRaw = name.slice(at + 1).trim();
  const suffix = suffixRaw.toLowerCase();
  if (suffix === "cloud" || suffix === "local") return name.slice(0, at);
  if (!suffixRaw.includes("/") && suffix.endsWith("-cloud")) {
    return name.slice(0, at + 1) + suffixRaw.slice(0, -"-cloud".length);
  }
  return name;
}

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
  const tag = modelKey(name).split(":").at(-1) ?? "";
  return tag === "cloud" || tag.endsWith("-cloud");
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
