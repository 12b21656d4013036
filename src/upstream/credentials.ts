// Credentials in an upstream URL (`http://user:pass@host`): split off, sent as Basic auth, never shown.

export interface UpstreamAddress {
  /** `scheme://host:port[/prefix]` without credentials: what is shown, logged and requested. */
  url: string;
  /** `Basic <base64(user:password)>` when the URL carried credentials, else null. */
  auth: string | null;
}

/**
 * Takes `user:pass@` out of an upstream URL. The parts are percent-decoded before base64, as Go's
 * url.Userinfo and browsers do, so `p%40ss` authenticates as `p@ss`; the text after the last `@`
 * is the host, as in the URL parser. Never throws: an undecodable part is used as written.
 */
export function splitCredentials(base: string): UpstreamAddress {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i.exec(base);
  if (!match) return { url: base, auth: null };
  const [prefix = "", userinfo = ""] = match.slice(1);
  const url = prefix + base.slice(match[0].length);
  if (userinfo === "" || userinfo === ":") return { url, auth: null };
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? "" : userinfo.slice(colon + 1);
  const plain = `${decodeUserinfo(user) ?? user}:${decodeUserinfo(password) ?? password}`;
  return { url, auth: `Basic ${Buffer.from(plain, "utf8").toString("base64")}` };
}

/** The percent-decoded part, or null when it is not validly encoded. */
export function decodeUserinfo(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}
