// Anthropic content blocks that carry input for the model: text, base64 images, plain-text documents.
import { isRecord, refuse } from "./validate.ts";

/** What a run of blocks adds to one native message. */
export interface Gathered {
  text: string;
  /** Bare base64, as Ollama's `images` takes it. */
  images: string[];
}

// Go's base64.StdEncoding, as Ollama decodes images: padded standard alphabet; CR and LF are skipped.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64Image(source: unknown, at: string): string {
  if (!isRecord(source)) refuse(`${at}.source`, "Field required");
  const type = source.type;
  if (type !== "base64") {
    refuse(
      `${at}.source.type`,
      `${JSON.stringify(type)} image sources are not supported: Ollama takes base64 image data only`,
    );
  }
  if (typeof source.data !== "string" || source.data === "") refuse(`${at}.source.data`, "Field required");
  const data = source.data.replace(/[\r\n]/g, "");
  if (!BASE64.test(data)) refuse(`${at}.source.data`, "invalid base64 image data");
  return data;
}

/** A document block: plain text (or text content blocks) become text; PDFs and files cannot be read. */
function documentText(block: Record<string, unknown>, at: string, into: Gathered): void {
  const source = block.source;
  if (!isRecord(source)) refuse(`${at}.source`, "Field required");
  if (source.type === "text" && typeof source.data === "string") {
    into.text += source.data;
    return;
  }
  if (source.type === "content") {
    const content = source.content;
    if (typeof content === "string") into.text += content;
    else if (Array.isArray(content)) {
      for (const [k, b] of content.entries()) gatherOrRefuse(b, `${at}.source.content.${k}`, into);
    } else refuse(`${at}.source.content`, "must be a string or an array of content blocks");
    return;
  }
  refuse(
    `${at}.source.type`,
    `${JSON.stringify(source.type)} documents are not supported: Ollama reads text only, send the text instead`,
  );
}

/**
 * Adds one input block (text, image, document) to `into`; returns false for any other type so the
 * caller can handle it or refuse it. Texts are joined with no separator, as Anthropic and Ollama do.
 */
export function gatherInput(block: unknown, at: string, into: Gathered): boolean {
  if (!isRecord(block)) return refuse(at, "must be a content block object");
  switch (block.type) {
    case "text":
      if (typeof block.text !== "string") refuse(`${at}.text`, "Field required");
      into.text += block.text;
      return true;
    case "image":
      into.images.push(base64Image(block.source, at));
      return true;
    case "document":
      documentText(block, at, into);
      return true;
    default:
      return false;
  }
}

function gatherOrRefuse(block: unknown, at: string, into: Gathered): void {
  if (!gatherInput(block, at, into)) unsupportedBlock(blockType(block, at), at);
}

export function blockType(block: unknown, at: string): string {
  if (!isRecord(block)) return refuse(at, "must be a content block object");
  if (typeof block.type !== "string") return refuse(`${at}.type`, "Field required");
  return block.type;
}

const WHY: Readonly<Record<string, string>> = {
  redacted_thinking: "it is encrypted for Anthropic's models and cannot be passed to an Ollama model",
  server_tool_use: "server tools run at Anthropic; Ollama has none",
  search_result: "search results need Anthropic's citations",
  container_upload: "Ollama has no code-execution containers",
};

export function unsupportedBlock(type: string, at: string): never {
  const why = WHY[type] ?? (type.endsWith("_tool_result") ? WHY.server_tool_use : undefined);
  return refuse(
    `${at}.type`,
    `${JSON.stringify(type)} blocks are not supported${why ? `: ${why}` : " here"}`,
  );
}
