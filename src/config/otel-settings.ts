// Parsers for OpenTelemetry's standard variables: collector URLs, the headers list, a sampling ratio.
import { z } from "zod";

/** An http(s) URL, or "" for unset. */
export function httpUrlOrEmpty() {
  return z
    .string()
    .trim()
    .refine((v) => v === "" || (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol)), {
      error: "expected an http:// or https:// URL",
    });
}

/** `key=value,key2=value2` as the OTel spec writes it (values percent-encoded), into a record. */
export function otelHeaders() {
  return z.string().transform((raw, ctx) => {
    const out: Record<string, string> = {};
    for (const part of raw.split(",")) {
      if (!part.trim()) continue;
      const at = part.indexOf("=");
      const key = at > 0 ? part.slice(0, at).trim() : "";
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) {
        // The value may be a secret: the message names the position, not the text.
        ctx.addIssue({ code: "custom", message: "expected key=value pairs separated by commas" });
        return z.NEVER;
      }
      let value = part.slice(at + 1).trim();
      try {
        value = decodeURIComponent(value);
      } catch {
        // Left as written: a literal % is allowed.
      }
      out[key.toLowerCase()] = value;
    }
    return out;
  });
}

export function ratio() {
  return z
    .string()
    .trim()
    .transform(Number)
    .pipe(
      z
        .number({ error: "expected a number from 0 to 1" })
        .min(0, { error: "expected a number from 0 to 1" })
        .max(1, { error: "expected a number from 0 to 1" }),
    );
}
