// Ollama's DNS-rebinding guard: on a loopback listener only local-looking Host headers get through.
import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";

/** net.SplitHostPort, falling back to the whole value when it has no (valid) port part. */
function stripPort(host: string): string {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end > 0 && host[end + 1] === ":" ? host.slice(1, end) : host;
  }
  const colon = host.lastIndexOf(":");
  // More than one colon without brackets is a bare IPv6 address, not host:port.
  if (colon === -1 || host.indexOf(":") !== colon) return host;
  return host.slice(0, colon);
}

function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function inCidr(ip: string, base: string, bits: number): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(ip) & mask) === (ipv4ToInt(base) & mask);
}

/** An address assigned to this machine, or inside one of its interface subnets (Go's prefix.Contains). */
function isLocalInterface(ip: string): boolean {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === "IPv4" && isIP(ip) === 4) {
        const bits = Number(a.cidr?.split("/")[1] ?? 32);
        if (inCidr(ip, a.address, bits)) return true;
      } else if (a.address.toLowerCase() === ip) {
        return true;
      }
    }
  }
  return false;
}

function ipAllowed(raw: string): boolean {
  // IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry, like Go's Unmap.
  const ip = raw.startsWith("::ffff:") && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
  if (isIP(ip) === 4) {
    const privateOrLoopback = [
      ["127.0.0.0", 8],
      ["10.0.0.0", 8],
      ["172.16.0.0", 12],
      ["192.168.0.0", 16],
    ] as const;
    if (ip === "0.0.0.0" || privateOrLoopback.some(([base, bits]) => inCidr(ip, base, bits))) return true;
  } else if (ip === "::1" || ip === "::" || /^f[cd][0-9a-f]{0,2}:/.test(ip)) {
    return true;
  }
  return isLocalInterface(ip);
}

export function hostAllowed(hostHeader: string | null): boolean {
  const host = stripPort((hostHeader ?? "").toLowerCase());
  if (isIP(host)) return ipAllowed(host);
  if (host === "" || host === "localhost" || host === hostname().toLowerCase()) return true;
  return [".localhost", ".local", ".internal"].some((tld) => host.endsWith(tld));
}

/** Named hosts (not IPs) answer a bare OPTIONS with 204, as Ollama does for its own UI. */
export function isNamedLocalHost(hostHeader: string | null): boolean {
  const host = stripPort((hostHeader ?? "").toLowerCase());
  return !isIP(host) && hostAllowed(hostHeader);
}
