// One OpenAI message `content` (string or parts) → native text plus raw-base64 images.
import { OpenAIRequestError } from "./openai-error.ts";

export interface NativeContent {
  content: string;
  images: string[];
}

const DATA_URL = /^data:(?:image\/(?:jpeg|jpg|png|webp))?;base64,/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Native `images` want bare base64: a `data:` prefix makes Ollama fail with `illegal base64 data`. */
export function imageFromUrl(url: string, param = "messages"): string {
  if (/^https?:\/\//i.test(url)) {
    // Fetching remote images would make the proxy an open fetcher; same refusal as Ollama.
    throw new OpenAIRequestError(
      "image URLs are not currently supported, please use base64 encoded data instead",
      400,
      param,
    );
  }
  const prefix = DATA_URL.exec(url);
  const data = prefix ? url.slice(prefix[0].length) : "";
  if (!BASE64.test(data)) throw new OpenAIRequestError("invalid image input", 400, param);
  return data;
}

function imageUrlOf(part: Record<string, unknown>, param: string): string {
  const field = part.image_url;
  const url = isRecord(field) ? field.url : field;
  if (typeof url !== "string") {
    throw new OpenAIRequestError(`${param}.image_url must be a string or {"url": string}`, 400, param);
  }
  return url;
}

function audioOf(part: Record<string, unknown>, param: string): string {
  const data = isRecord(part.input_audio) ? part.input_audio.data : undefined;
  if (typeof data !== "string" || !BASE64.test(data)) {
    throw new OpenAIRequestError(`${param}.input_audio.data must be base64 encoded audio`, 400, param);
  }
  return data;
}

function textOf(part: Record<string, unknown>, key: "text" | "refusal", param: string): string {
  const text = part[key];
  if (typeof text !== "string") throw new OpenAIRequestError(`${param}.${key} must be a string`, 400, param);
  return text;
}

/**
 * Text parts are joined into one native message and media collected into its `images`, rather than
 * one message per part as Ollama's compat layer does (which breaks templates expecting alternation).
 * Audio rides in `images` too: Ollama's native Message has no other media field.
 */
export function convertContent(content: unknown, at: string): NativeContent {
  if (typeof content === "string") return { content, images: [] };
  if (content == null) return { content: "", images: [] };
  if (!Array.isArray(content)) {
    throw new OpenAIRequestError(
      `invalid message content type: ${typeof content}; expected a string or an array of content parts`,
      400,
      `${at}.content`,
    );
  }
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((part, j) => {
    const param = `${at}.content[${j}]`;
    if (!isRecord(part)) throw new OpenAIRequestError(`${param} must be an object`, 400, param);
    switch (part.type) {
      case "text":
        texts.push(textOf(part, "text", param));
        break;
      case "refusal":
        texts.push(textOf(part, "refusal", param));
        break;
      case "image_url":
        images.push(imageFromUrl(imageUrlOf(part, param)));
        break;
      case "input_audio":
        images.push(audioOf(part, param));
        break;
      default:
        throw new OpenAIRequestError(
          `unsupported content part type ${JSON.stringify(part.type)}; supported: text, image_url, input_audio`,
          400,
          `${param}.type`,
        );
    }
  });
  return { content: texts.join("\n"), images };
}
