// Header hygiene between client, proxy and upstream: hop-by-hop removal and the upstream Host.

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** Removes hop-by-hop headers, including any named by `Connection`, in place. */
export function stripHopByHop(headers: Headers): Headers {
  const listed = headers.get("connection");
  if (listed) for (const name of listed.split(",")) headers.delete(name.trim());
  for (const name of HOP_BY_HOP) headers.delete(name);
  return headers;
}

/**
 * Headers to send upstream for a client request. Host is rewritten to the upstream's own: Ollama
 * listening on loopback refuses foreign Host values (DNS-rebinding guard), so a proxy reached as
 * `gpu-box.lan:11480` must not pass that name on. Origin is dropped because the proxy already decided
 * CORS at its own door (see middleware/cors.ts); Ollama would otherwise refuse origins only the proxy allows.
 */
export function upstreamRequestHeaders(incoming: Headers, upstreamHost: string): Headers {
  const headers = stripHopByHop(new Headers(incoming));
  headers.set("host", upstreamHost);
  headers.delete("origin");
  return headers;
}

/**
 * The client's headers for a request the proxy sends upstream with a body of its own (a possibly
 * rewritten chat, a pull it leads): hop-by-hop, Host, Origin, the old Content-Length and
 * Accept-Encoding go (fetch sets Host and length itself and decodes the answer); the rest — auth for
 * cloud models, request ids — is kept.
 */
export function clientHeadersForUpstream(client: Headers): Headers {
  const listed = client.get("connection");
  const named = listed ? new Set(listed.split(",").map((n) => n.trim().toLowerCase())) : null;
  const headers = new Headers();
  // One pass that copies what may go, rather than a copy followed by a dozen deletes (a hot path).
  for (const [name, value] of client) {
    if (NOT_FOR_UPSTREAM.has(name) || named?.has(name)) continue;
    headers.append(name, value);
  }
  return headers;
}

const NOT_FOR_UPSTREAM = new Set([...HOP_BY_HOP, "host", "content-length", "origin", "accept-encoding"]);
