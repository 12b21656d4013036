// Public door of the Anthropic ⇄ Ollama translation layer: pure functions and a small stream renderer.
export { type AnswerOptions, createAnswerReader, type Step } from "./answer.ts";
export { estimateInputTokens } from "./count-tokens.ts";
export {
  type AnthropicModel,
  type ListedModel,
  pageOf,
  toAnthropicModels,
} from "./models.ts";
export { countTokens, type TranslatedMessages, translateMessagesRequest } from "./request.ts";
export { type AnthropicMessage, type ContentBlock, ContentBuilder, type StopReason } from "./response.ts";
export { StopScanner } from "./stop-sequences.ts";
export {
  createMessageStream,
  type MessageStream,
  type StreamOptions,
  type StreamState,
  TRUNCATED_STREAM_MESSAGE,
} from "./stream.ts";
