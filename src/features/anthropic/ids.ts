// Identifiers in Anthropic's shapes: `msg_01…` for messages, `toolu_01…` for tool calls.

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomBase62(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  // Modulo bias is irrelevant here: these are identifiers, not secrets.
  for (const b of bytes) out += BASE62[b % BASE62.length];
  return out;
}

export function newMessageId(): string {
  return `msg_01${randomBase62(22)}`;
}

/** Ollama's own ids (`call_…`) are replaced: Anthropic clients expect and send back `toolu_…`. */
export function newToolUseId(): string {
  return `toolu_01${randomBase62(22)}`;
}
