// Finds the user text a turn's slash commands live in: the last user message, or the prompt.
import type { TurnKind } from "./turn.ts";

export interface UserText {
  text: string;
  set(text: string): void;
}

export function lastUserText(kind: TurnKind, body: Record<string, unknown>): UserText | null {
  if (kind === "generate") {
    if (typeof body.prompt !== "string") return null;
    return { text: body.prompt, set: (text) => (body.prompt = text) };
  }
  const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && m.role === "user" && typeof m.content === "string") {
      return { text: m.content, set: (text) => (m.content = text) };
    }
  }
  return null;
}

/** Earlier user turns (chat UIs resend history): the model should not see old commands in them. */
export function earlierUserMessages(
  kind: TurnKind,
  body: Record<string, unknown>,
): Array<Record<string, unknown>> {
  if (kind !== "chat" || !Array.isArray(body.messages)) return [];
  const users = (body.messages as Array<Record<string, unknown>>).filter(
    (m) => m && m.role === "user" && typeof m.content === "string",
  );
  return users.slice(0, -1);
}
