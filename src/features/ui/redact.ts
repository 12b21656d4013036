// Secrets out of what the dashboard's captures keep: auth headers, credentials in URLs, secret query values.

const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "api-key",
  "cookie",
  "set-cookie",
]);
const REDACTED = "[redacted]";

export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : redactText(value);
  });
  return out;
}

/** `scheme://user:password@host` and `?key=…&token=…` in any text (a URL, a body that quotes one). */
export function redactText(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, `$1${REDACTED}@`)
    .replace(
      /([?&](?:api[_-]?key|key|token|access[_-]?token|auth|password|passwd|secret|signature|sig)=)[^&\s"'#<>]*/gi,
      `$1${REDACTED}`,
    )
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`);
}
