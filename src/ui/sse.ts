// Server-sent events read from a fetch body: pure, so a unit test runs it without a browser.

/** One event: its SSE event name (or the data's own `type`), its JSON data, when it arrived. */
export interface ProxyEvent {
  type: string;
  data: Record<string, unknown>;
  at: number;
}

/** Read with fetch rather than EventSource, which cannot send an Authorization header. */
export async function* sseEvents(body: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<ProxyEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value.replaceAll("\r\n", "\n");
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      const event = parseBlock(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
      if (event) yield event;
      end = buffered.indexOf("\n\n");
    }
  }
}

/** A block without data (a comment, a keep-alive, a retry hint) is no event. */
export function parseBlock(block: string, at = Date.now()): ProxyEvent | null {
  let type = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) type = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (!data.length) return null;
  const text = data.join("\n");
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const record = parsed as Record<string, unknown>;
      return {
        type: type === "message" && typeof record.type === "string" ? record.type : type,
        data: record,
        at,
      };
    }
  } catch {
    // not JSON: kept as text
  }
  return { type, data: { text }, at };
}
