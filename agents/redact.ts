// /redact: masks e-mail addresses and phone numbers in the streamed answer, across chunk boundaries.
//
// Masks: an e-mail address becomes "[email]", a phone number "[phone]" (settings `email`, `phone`).
// Phone numbers are recognised heuristically: "+" and 8–15 digits in groups (+44 20 7946 0958), or
// three groups ending in four digits ((555) 123-4567, 030 1234 5678). Dates, versions, IP addresses
// and plain numbers are left alone. Masking (./_redact-mask.ts) is linear in the text, whatever the
// chunk sizes.
import type { AgentDefinition } from "../src/agents/types.ts";
import { isLow, mask, safeCut } from "./_redact-mask.ts";

export { mask, safeCut } from "./_redact-mask.ts";

/** Beyond this, a run with no safe cut is released anyway (no address or number is this long). */
const MAX_HELD = 1024;
/** A forced release still holds the last 256 characters: a match starting among them is found whole. */
const KEEP_AFTER_FORCED_CUT = 256;

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
    let held = ""; // the tail that could still become (part of) an address or number: no safe cut in it
    let last = ""; // the last character already released, for the space rule in safeCut
    const release = (text: string) => {
      if (text) last = text[text.length - 1] ?? "";
      return mask(text, labels);
    };
    return {
      chunk(text) {
        // `held` has no safe cut, so only the new text is scanned: each character once per chunk.
        const inText = safeCut(text, held ? (held[held.length - 1] ?? "") : last);
        held += text;
        let cut = inText > 0 ? held.length - text.length + inText : 0;
        if (cut === 0 && held.length > MAX_HELD) {
          cut = held.length - KEEP_AFTER_FORCED_CUT;
          if (isLow(held.charCodeAt(cut))) cut -= 1;
        }
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
