// Parsers for OpenTelemetry's standard variables: collector URLs, the headers list, a sampling ratio.
import { z } from "zod";
import { checkedText } from "./setting-types.ts";

/** An http(s) URL, or "" for unset. */
export function httpUrlOrEmpty() {
  return checkedText(
    (v) => v === "" || (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol)),
    "expected an http:// or https:// URL",
  );
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
  return z.string().transform((raw, ctx) => {
    const text = raw.trim();
    const value = Number(text);
    if (value >= 0 && value <= 1) return value;
    ctx.addIssue({ code: "custom", message: "expected a number from 0 to 1" });
    return z.NEVER;
  });
}
