// Normalises an upstream address the way Ollama's own clients read OLLAMA_HOST, and splits off
// credentials (`http://user:pass@host`) so that only a Basic header, never the URL, carries them.
import { decodeUserinfo } from "../upstream/credentials.ts";

const DEFAULT_PORT = "11434";

/**
 * Accepts `host`, `host:port`, `:port`, `[::1]`, a bare IPv6 address, or a full URL with an optional
 * path prefix, and returns `scheme://[user:pass@]host:port[/prefix]` without a trailing slash.
 * Credentials stay in (percent-encoded) for `splitCredentials` (src/upstream/credentials.ts), which config/index.ts applies once.
 * Returns an error message instead of throwing so config parsing can report it in one line.
 */
export function normaliseOllamaUrl(raw: string): { url: string } | { error: string } {
  let value = raw
    .trim()
    .replace(/^["']|["']$/g, "")
    .trim();
  if (value === "") value = "127.0.0.1";
  let explicitScheme = value.includes("://");
  if (!explicitScheme && isBareIpv6(value)) {
    value = `[${value}]`;
  } else if (value.startsWith(":")) {
    // Ollama's clients treat ":1234" as "the local server on port 1234".
    value = `http://127.0.0.1${value}`;
    explicitScheme = true;
  }
  if (!explicitScheme && /^ollama\.com(\/|$)/.test(value)) {
    // ollama.com is the one host the Go client reaches over HTTPS (port 443) by default.
    value = `https://${value}`;
    explicitScheme = true;
  }
  if (!explicitScheme) value = `http://${value}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: "expected host, host:port, :port or an http(s) URL (port 1-65535)" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { error: `expected an http or https URL, got scheme ${url.protocol.replace(":", "")}` };
  }
  if (url.search || url.hash) return { error: "expected no query string or fragment" };
  // The message names the problem, never the value: it is printed at start-up.
  if (decodeUserinfo(url.username) === null || decodeUserinfo(url.password) === null) {
    return { error: "expected the user name and password percent-encoded (%40 for @, %25 for %)" };
  }
  const port = url.port || (explicitScheme ? (url.protocol === "https:" ? "443" : "80") : DEFAULT_PORT);
  const userinfo = url.password ? `${url.username}:${url.password}` : url.username;
  const auth = userinfo ? `${userinfo}@` : "";
  const path = url.pathname.replace(/\/+$/, "");
  return { url: `${url.protocol}//${auth}${url.hostname}:${port}${path}` };
}

/** A raw OLLAMA_URL fit for an error message: whatever precedes the last `@` after the scheme is masked. */
export function redactOllamaUrl(raw: string): string {
  return raw.replace(/^(\s*["']?(?:[a-z][a-z0-9+.-]*:\/\/)?).*@/i, "$1***@");
}

function isBareIpv6(value: string): boolean {
  const colons = value.match(/:/g)?.length ?? 0;
  // `user:pass@host:port` has two colons too, but an `@` is never part of an address.
  return !value.startsWith("[") && colons >= 2 && !value.includes("/") && !value.includes("@");
}
