// The text side of /redact: masking e-mail addresses and phone numbers, and where a stream may be cut.
//
// Both run in time linear in the text, whatever its shape: a 1 MB chunk takes milliseconds.

/** What an address is: a run of local-part characters, "@", then a domain ending in ".xx" or longer. */
const LOCAL_CHAR = /[\p{L}\p{N}._%+-]/u;
/** Labels of letters, digits and "-" between single dots; nothing after it, so never backtracked into. */
const DOMAIN_RUN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*/uy;
const TOP_LABEL = /\p{L}{2,}/uy;
const INTL_PHONE = String.raw`\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}`;
const NATIONAL_PHONE = String.raw`\(?\d{2,5}\)?[ .-]?\d{3,4}[ .-]\d{4}`;
/** Global: searched for from a position; every match is at most about 45 characters long. */
const PHONE = new RegExp(`${INTL_PHONE}|${NATIONAL_PHONE}`, "gu");
/** Every character a match can contain; anything else ends any match before it. */
const MATCH_CHAR = /[\p{L}\p{N}._%+\-@() ]/u;

/**
 * Masks `text` exactly as `text.replace(/(EMAIL)|INTL|NATIONAL/gu, …)` did, without its cost: at
 * every letter of a long word that regex tried an address and rescanned the rest of the word, which
 * is quadratic (a 256 KB chunk took 19 s). Here the next "@", the address characters before it and
 * the domain after it are each looked at once, and the phone pattern is searched for, not retried.
 * A phone-shaped match without 8–15 digits is left as it is, but nothing inside it is masked.
 */
export function mask(text: string, labels: { email: string; phone: string }): string {
  const nextAddress = addressFinder(text);
  let out = "";
  let copied = 0; // text[0, copied) is already in `out`
  let phone: RegExpExecArray | null | undefined; // the first phone match at or after i, once looked for
  for (let i = 0; i < text.length; ) {
    const address = nextAddress(i);
    if (phone === undefined || (phone !== null && phone.index < i)) {
      PHONE.lastIndex = i;
      phone = PHONE.exec(text);
    }
    // Where both could start at the same place, the address wins, as it came first in the regex.
    if (address && (!phone || address[0] <= phone.index)) {
      out += text.slice(copied, address[0]) + labels.email;
      copied = i = address[1];
    } else if (phone) {
      const digits = phone[0].replace(/\D/g, "").length;
      if (digits >= 8 && digits <= 15) {
        out += text.slice(copied, phone.index) + labels.phone;
        copied = phone.index + phone[0].length;
      }
      i = phone.index + phone[0].length;
    } else break;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * A function giving the [start, end) of the first address that starts at or after `i`, or null;
 * `i` may only grow from call to call. An address ends in the first "@" after its start, so the
 * one found is the first "@" (from `i`) with address characters before it and a domain after it.
 */
function addressFinder(text: string): (i: number) => [number, number] | null {
  let at = -1; // the "@" looked at last, or -1 before the first search
  let runStart = 0; // where the address characters before it begin (not before the search start)
  let end = -1; // where its domain ends; -1 when there is none
  return (i) => {
    let from = i;
    for (;;) {
      if (at < from) {
        at = text.indexOf("@", from);
        if (at < 0) {
          at = Number.POSITIVE_INFINITY; // no "@" left: every later call returns null at once
          return null;
        }
        runStart = localRunStart(text, at, from);
        end = runStart < at ? domainEnd(text, at + 1) : -1;
      }
      if (at === Number.POSITIVE_INFINITY) return null;
      const start = Math.max(i, runStart);
      if (end > 0 && start < at) return [start, end];
      from = at + 1;
    }
  };
}

/** The start of the run of local-part characters that ends at `at`, looking back no further than `lo`. */
function localRunStart(text: string, at: number, lo: number): number {
  let k = at;
  while (k > lo) {
    const width = isLow(text.charCodeAt(k - 1)) && k - 2 >= lo && isHigh(text.charCodeAt(k - 2)) ? 2 : 1;
    if (!isLocal(text, k - width, width)) break;
    k -= width;
  }
  return k;
}

/**
 * Where `[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}` matching at `from` ends, or -1. That regex
 * backtracks label by label from the right to the last label that starts with two letters, and
 * ends after those letters: found here by looking back from the right, without the backtracking.
 */
function domainEnd(text: string, from: number): number {
  DOMAIN_RUN.lastIndex = from;
  if (!DOMAIN_RUN.test(text)) return -1;
  // Only within the run: lastIndexOf would search on past `from`, through all the text before it.
  for (let dot = DOMAIN_RUN.lastIndex - 2; dot > from; dot--) {
    if (text.charCodeAt(dot) !== 46) continue;
    TOP_LABEL.lastIndex = dot + 1;
    if (TOP_LABEL.test(text)) return TOP_LABEL.lastIndex;
  }
  return -1;
}

const ASCII_LOCAL = asciiTable(LOCAL_CHAR);
const ASCII_MATCH = asciiTable(MATCH_CHAR);

function asciiTable(pattern: RegExp): boolean[] {
  return Array.from({ length: 128 }, (_, c) => pattern.test(String.fromCharCode(c)));
}

/** Whether the code point text[k, k + width) is a local-part character (a lone surrogate is not). */
function isLocal(text: string, k: number, width: number): boolean {
  const c = text.charCodeAt(k);
  if (c < 128) return ASCII_LOCAL[c] === true;
  return LOCAL_CHAR.test(text.slice(k, k + width));
}

export const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
export const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * The end of the longest prefix of `text` no future text can change: a cut right after a
 * character no match contains, or after a space not preceded by a digit or ")" (the only places
 * a phone number has spaces). `before` is the character just before `text`. Scans back from the
 * end only as far as the last such place; a cut never splits a surrogate pair.
 */
export function safeCut(text: string, before: string): number {
  for (let end = text.length; end > 0; ) {
    const code = text.charCodeAt(end - 1);
    if (code < 128) {
      if (!ASCII_MATCH[code]) return end;
      const prev = end > 1 ? text.charCodeAt(end - 2) : before.charCodeAt(0);
      if (code === 32 && !(prev === 41 || (prev >= 48 && prev <= 57))) return end;
      end -= 1;
    } else if (isLow(code) && end > 1 && isHigh(text.charCodeAt(end - 2))) {
      if (!MATCH_CHAR.test(text.slice(end - 2, end))) return end;
      end -= 2;
    } else if (isHigh(code) || isLow(code)) {
      end -= 1; // half of a pair split across chunks: its other half decides, so no cut here
    } else {
      if (!MATCH_CHAR.test(text[end - 1] ?? "")) return end;
      end -= 1;
    }
  }
  return 0;
}
