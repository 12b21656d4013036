// /redact: masks e-mail addresses and phone numbers in the streamed answer, across chunk boundaries.
//
// Masks: an e-mail address becomes "[email]", a phone number "[phone]" (settings `email`, `phone`).
// Phone numbers are recognised heuristically: "+" and 8–15 digits in groups (+44 20 7946 0958), or
// three groups ending in four digits ((555) 123-4567, 030 1234 5678). Dates, versions, IP addresses
// and plain numbers are left alone.
import type { AgentDefinition } from "../src/agents/types.ts";

const EMAIL = String.raw`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`;
const INTL_PHONE = String.raw`\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}`;
const NATIONAL_PHONE = String.raw`\(?\d{2,5}\)?[ .-]?\d{3,4}[ .-]\d{4}`;
const PATTERN = new RegExp(`(${EMAIL})|${INTL_PHONE}|${NATIONAL_PHONE}`, "gu");
/** Every character a match can contain; anything else ends any match before it. */
const MATCH_CHAR = /[\p{L}\p{N}._%+\-@() ]/u;
/** Beyond this, a run with no safe cut is released anyway (no address or number is this long). */
const MAX_HELD = 1024;

/**
 * Masks `text`. The patterns have no lookarounds or \b, so masking two pieces cut at a "safe"
 * position gives exactly what masking the whole would: streaming and one-shot output agree.
 */
export function mask(text: string, labels: { email: string; phone: string }): string {
  return text.replace(PATTERN, (match, email: string | undefined) => {
    if (email) return labels.email;
    const digits = match.replace(/\D/g, "").length;
    return digits >= 8 && digits <= 15 ? labels.phone : match;
  });
}

/**
 * The end of the longest prefix of `text` no future text can change: a cut right after a
 * character no match contains, or after a space not preceded by a digit or ")" (the only places
 * a phone number has spaces). `before` is the character emitted just before `text`.
 */
export function safeCut(text: string, before: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i] ?? "";
    if (!MATCH_CHAR.test(ch)) return i + 1;
    const prev = i > 0 ? (text[i - 1] ?? "") : before;
    if (ch === " " && !/[0-9)]/.test(prev)) return i + 1;
  }
  return 0;
}

const redact: AgentDefinition = {
  manifest: {
    name: "redact",
    description: "Masks e-mail addresses and phone numbers in the answer as it streams.",
    version: "1.0.0",
    usage: "/redact <your message>",
    examples: ["/redact write a sample customer record", "/redact /concise who do I contact at ACME?"],
  },
  settings: { email: "[email]", phone: "[phone]" },
  transformResponse(ctx) {
    const labels = {
      email: String(ctx.settings.email ?? "[email]"),
      phone: String(ctx.settings.phone ?? "[phone]"),
    };
    let held = ""; // the tail that could still become (part of) an address or number
    let last = ""; // the last character already released, for the space rule in safeCut
    const release = (text: string) => {
      if (text) last = text[text.length - 1] ?? "";
      return mask(text, labels);
    };
    return {
      chunk(text) {
        held += text;
        let cut = safeCut(held, last);
        if (cut === 0 && held.length > MAX_HELD) cut = held.length - 256;
        const ready = held.slice(0, cut);
        held = held.slice(cut);
        return release(ready);
      },
      flush() {
        const rest = held;
        held = "";
        return release(rest);
      },
    };
  },
};

export default redact;
