// Ollama's rules for a valid model name (types/model/name.go), and its answer to an invalid one.
import { ProxyError } from "../errors.ts";

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

const PARTS = {
  host: { max: 350, pattern: /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/ },
  namespace: { max: 80, pattern: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/ },
  model: { max: 80, pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/ },
  tag: { max: 80, pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/ },
} as const;
/** Ollama leaves the scheme unchecked; the proxy wants it short so a name stays bounded. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]{0,15}$/;

function validPart(kind: keyof typeof PARTS, part: string): boolean {
  const rule = PARTS[kind];
  return part.length >= 1 && part.length <= rule.max && rule.pattern.test(part);
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
