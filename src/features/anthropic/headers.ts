// The client headers an Anthropic request may pass on to Ollama: everything but Anthropic credentials.

const ANTHROPIC_BEARER = /^bearer\s+sk-ant-/i;

/**
 * The pipeline forwards the client's headers (Ollama's cloud models read `Authorization`). An
 * Anthropic client's `x-api-key` — often a real Anthropic key left in ANTHROPIC_API_KEY — is read by
 * nobody upstream, so it never leaves the proxy; nor does a bearer token that is an Anthropic key or
 * OAuth token (`sk-ant-…`, Claude Code's own login). `anthropic-version` and `-beta` are harmless.
 */
export function headersForUpstream(client: Headers): Headers {
  const auth = client.get("authorization");
  const anthropicAuth = auth !== null && ANTHROPIC_BEARER.test(auth);
  if (!anthropicAuth && !client.has("x-api-key")) return client;
  const headers = new Headers(client);
  headers.delete("x-api-key");
  if (anthropicAuth) headers.delete("authorization");
  return headers;
}
