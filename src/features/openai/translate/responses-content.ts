// One Responses `content` (a string or input_text / output_text / refusal / input_image parts) → native text and images.
import { imageFromUrl, type NativeContent } from "./chat-content.ts";
import { OpenAIRequestError } from "./openai-error.ts";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function textOf(part: Record<string, unknown>, key: "text" | "refusal", param: string): string {
  const text = part[key];
  if (typeof text !== "string") throw new OpenAIRequestError(`${param}.${key} must be a string`, 400, param);
  return text;
}

function imageOf(part: Record<string, unknown>, param: string): string {
  const url = part.image_url;
  if (typeof url === "string" && url !== "") return imageFromUrl(url, `${param}.image_url`);
  // Ollama skips such an image silently; a stateless proxy has no Files API to look it up in.
  const why =
    part.file_id != null ? "file_id needs the Files API, which Ollama does not have" : "no image_url";
  throw new OpenAIRequestError(
    `${param}: ${why}; send the image as a data: URL in image_url`,
    400,
    `${param}.image_url`,
  );
}

/**
 * Text parts are joined with newlines into one native message (as /v1/chat/completions does) and
 * images collected into its `images`; files cannot be read by Ollama and are refused, as Ollama does.
 */
export function convertResponsesContent(content: unknown, at: string, field = "content"): NativeContent {
  if (typeof content === "string") return { content, images: [] };
  if (!Array.isArray(content)) {
    throw new OpenAIRequestError(
      `${at}.${field} must be a string or an array of content parts`,
      400,
      `${at}.${field}`,
    );
  }
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((part, j) => {
    const param = `${at}.${field}[${j}]`;
    if (!isRecord(part)) throw new OpenAIRequestError(`${param} must be an object`, 400, param);
    switch (part.type) {
      case "input_text":
      case "output_text":
        texts.push(textOf(part, "text", param));
        break;
      case "refusal":
        texts.push(textOf(part, "refusal", param));
        break;
      case "input_image":
        images.push(imageOf(part, param));
        break;
      case "input_file":
        throw new OpenAIRequestError("file inputs are not currently supported", 400, `${param}.type`);
      default:
        throw new OpenAIRequestError(
          `unsupported content type ${JSON.stringify(part.type)}; supported: input_text, output_text, refusal, input_image`,
          400,
          `${param}.type`,
        );
    }
  });
  return { content: texts.join("\n"), images };
}
