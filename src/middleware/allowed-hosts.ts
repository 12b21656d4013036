// Ollama's DNS-rebinding guard, kept by the proxy: on loopback, a request must name a local host.
import { hostname, networkInterfaces } from "node:os";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types.ts";

/**
 * The proxy rewrites Host before forwarding, so Ollama's own check no longer protects the user; this
 * applies the same rule at the proxy's front door: a web page on an attacker's domain that resolves
 * to 127.0.0.1 gets 403 with an empty body, as it would from Ollama.
 */
export function allowedHosts(): MiddlewareHandler<AppEnv> {
  const localNames = new Set(["", "localhost", hostname().toLowerCase()]);
  const localAddresses = new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((i) => i?.address.toLowerCase())
      .filter((a): a is string => !!a),
  );
  // Clients send the same few Host values over and over: remember the verdicts, bounded in entries
  // and in bytes (Bun accepts headers of up to 64 KB; a real host name and port fit in 261 characters).
  const verdicts = new Map<string, boolean>();
  return async function allowedHostsMiddleware(c, next) {
    const raw = c.req.raw.headers.get("host") ?? "";
    let allowed = verdicts.get(raw);
    if (allowed === undefined) {
      allowed = isAllowedHost(stripPort(raw).toLowerCase(), localNames, localAddresses);
      if (verdicts.size < MAX_VERDICTS && raw.length <= MAX_HOST_LENGTH) verdicts.set(raw, allowed);
    }
    if (!allowed) return c.body(null, 403);
    await next();
  };
}

const MAX_VERDICTS = 1000;
/** A DNS name (253), a port and IPv6 brackets. */
const MAX_HOST_LENGTH = 261;

export function isAllowedHost(host: string, names: Set<string>, addresses: Set<string>): boolean {
  if (names.has(host)) return true;
  if (host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return true;
  return isLocalOrPrivateIp(host) || addresses.has(host);
}

function stripPort(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]") > 0 ? host.indexOf("]") : undefined);
  const colon = host.lastIndexOf(":");
  return colon > 0 && host.indexOf(":") === colon ? host.slice(0, colon) : host;
}

function isLocalOrPrivateIp(host: string): boolean {
  const v4 = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (!host.includes(":")) return false;
  // IPv6: loopback, unspecified, unique-local (fc00::/7) and link-local (fe80::/10).
  return (
    host === "::1" || host === "::" || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host)
  );
}
