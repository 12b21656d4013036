// POST /v1/embeddings ⇄ native /api/embed: request translation and the list response (float or base64).

import type { CreateEmbeddingResponse } from "openai/resources/embeddings";
import { z } from "zod";
import type { EmbedRequest } from "../../../wire/ollama.ts";
import { ollamaExtrasShape } from "./ollama-extras.ts";
import { OpenAIRequestError } from "./openai-error.ts";
import { requireModel } from "./request-common.ts";
import { parseBody } from "./validate.ts";

export type EncodingFormat = "float" | "base64";

export interface TranslatedEmbeddings {
  body: EmbedRequest & Record<string, unknown>;
  encodingFormat: EncodingFormat;
  requestedModel: string;
}

const embeddingsSchema = z.looseObject({
  model: z.string(),
  input: z.unknown().optional(),
  encoding_format: z.unknown().optional(),
  dimensions: z.number().int().positive().nullish(),
  keep_alive: ollamaExtrasShape.keep_alive,
  options: ollamaExtrasShape.options,
  num_ctx: ollamaExtrasShape.num_ctx,
  truncate: ollamaExtrasShape.truncate,
});

function parseInput(input: unknown): string | string[] {
  // Natively "" means "just load the model" and yields no vector; OpenAI clients expect one.
  if (input === "") return [""];
  if (typeof input === "string") return input;
  if (Array.isArray(input) && input.length > 0) {
    if (input.every((item) => typeof item === "string")) return input as string[];
    if (input.every((item) => typeof item === "number" || Array.isArray(item))) {
      throw new OpenAIRequestError("token-array inputs are not supported; send strings", 400, "input");
    }
  }
  throw new OpenAIRequestError("invalid input", 400, "input");
}

function parseEncoding(value: unknown): EncodingFormat {
  if (value == null) return "float";
  if (value === "float" || value === "base64") return value;
  throw new OpenAIRequestError(
    `Invalid value for 'encoding_format' = ${String(value)}. Supported values: ['float', 'base64'].`,
    400,
    "encoding_format",
  );
}

export function translateEmbeddingsRequest(input: unknown): TranslatedEmbeddings {
  const data = parseBody(embeddingsSchema, input);
  requireModel(data.model);
  const body: Record<string, unknown> = { model: data.model, input: parseInput(data.input) };
  const encodingFormat = parseEncoding(data.encoding_format);
  if (data.dimensions != null) body.dimensions = data.dimensions;
  if (data.keep_alive != null) body.keep_alive = data.keep_alive;
  if (data.truncate != null) body.truncate = data.truncate;
  const options = { ...(data.options ?? {}), ...(data.num_ctx != null ? { num_ctx: data.num_ctx } : {}) };
  if (Object.keys(options).length > 0) body.options = options;
  return { body: body as TranslatedEmbeddings["body"], encodingFormat, requestedModel: data.model };
}

/** Little-endian float32 bytes in base64: what the openai client decodes (its default encoding). */
export function float32Base64(vector: readonly number[]): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  vector.forEach((value, i) => {
    view.setFloat32(i * 4, value, true);
  });
  return Buffer.from(bytes).toString("base64");
}

export interface EmbeddingsResult extends Omit<CreateEmbeddingResponse, "data"> {
  data: Array<{ object: "embedding"; embedding: number[] | string; index: number }>;
}

export function toEmbeddingsResponse(
  native: { embeddings?: number[][]; prompt_eval_count?: number },
  opts: { model: string; encodingFormat: EncodingFormat },
): EmbeddingsResult {
  const tokens = native.prompt_eval_count ?? 0;
  return {
    object: "list",
    data: (native.embeddings ?? []).map((vector, index) => ({
      object: "embedding",
      embedding: opts.encodingFormat === "base64" ? float32Base64(vector) : vector,
      index,
    })),
    model: opts.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
