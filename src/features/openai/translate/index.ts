// Public door of the OpenAI ⇄ Ollama translation layer: pure functions and small stateful renderers.

export type { ChatChunk, GenerateChunk, Message, ToolCall } from "../../../wire/ollama.ts";
export { type TranslatedChat, translateChatRequest } from "./chat-request.ts";
export { type ChatCompletionResult, type ResponseOptions, toChatCompletion } from "./chat-response.ts";
export { createChatStreamRenderer } from "./chat-stream.ts";
export { type TranslatedCompletion, translateCompletionRequest } from "./completions-request.ts";
export { type CompletionResult, toCompletion } from "./completions-response.ts";
export { createCompletionStreamRenderer } from "./completions-stream.ts";
export {
  type EmbeddingsResult,
  type EncodingFormat,
  float32Base64,
  type TranslatedEmbeddings,
  toEmbeddingsResponse,
  translateEmbeddingsRequest,
} from "./embeddings.ts";
export { newChatCompletionId, newCompletionId, newResponsesId, newToolCallId } from "./ids.ts";
export { type ExtraModel, type ModelList, ownerOf, toModel, toModelList, unixSeconds } from "./models.ts";
export { OpenAIRequestError } from "./openai-error.ts";
export type { ResponseEcho, ResponseShape } from "./responses-object.ts";
export { toResponse } from "./responses-output.ts";
export { type TranslatedResponses, translateResponsesRequest } from "./responses-request.ts";
export {
  createResponsesStreamRenderer,
  type ResponsesProgressStyle,
  type ResponsesStreamRenderer,
} from "./responses-stream.ts";
export { SSE_DONE, sseData, sseError } from "./sse.ts";
export {
  type StreamRenderer,
  type StreamRendererOptions,
  type StreamState,
  TRUNCATED_STREAM_MESSAGE,
} from "./stream-types.ts";
