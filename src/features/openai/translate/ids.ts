// Random identifiers for completions, responses, their output items and tool calls, in OpenAI's shapes.

const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
const MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomFrom(alphabet: string, length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  // Modulo bias is irrelevant here: these are identifiers, not secrets.
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** `chatcmpl-` + 24 random characters: unique in practice (Ollama's own are 0–998 and collide). */
export function newChatCompletionId(): string {
  return `chatcmpl-${randomFrom(MIXED, 24)}`;
}

export function newCompletionId(): string {
  return `cmpl-${randomFrom(MIXED, 24)}`;
}

/** Same shape as the ids Ollama generates itself: `call_` + 8 lowercase alphanumerics. */
export function newToolCallId(): string {
  return `call_${randomFrom(ALNUM, 8)}`;
}

/** `resp_`, `msg_`, `rs_`, `fc_` + 48 hex digits: the shape OpenAI's own Responses ids have. */
export function newResponsesId(prefix: "resp" | "msg" | "rs" | "fc"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `${prefix}_${Buffer.from(bytes).toString("hex")}`;
}
