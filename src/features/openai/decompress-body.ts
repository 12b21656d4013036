// A request body sent with Content-Encoding zstd, gzip or deflate, decoded as it streams in, with a cap.
import type { Context } from "hono";
import { bodyStream, bodyText } from "../../http/request-body.ts";
import type { AppEnv } from "../../types.ts";
import { OpenAIRequestError } from "./translate/index.ts";

/** Ollama's own cap for decompressed /v1/responses bodies: a small zstd bomb cannot fill memory. */
export const MAX_DECODED_BYTES = 20 << 20;

type Format = ConstructorParameters<typeof DecompressionStream>[0];

const FORMATS: Readonly<Record<string, Format>> = {
  zstd: "zstd" as Format,
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
};

/** Codex sends zstd to /v1/responses, and Ollama accepts it there. */
export async function decodedBodyText(c: Context<AppEnv>): Promise<string> {
  const req = c.req.raw;
  const encoding = (req.headers.get("content-encoding") ?? "").trim().toLowerCase();
  const body = encoding === "" || encoding === "identity" ? null : bodyStream(c);
  if (!body) return bodyText(c);
  const format = FORMATS[encoding];
  if (!format) {
    throw new OpenAIRequestError(
      `unsupported Content-Encoding '${encoding}': send zstd, gzip, deflate or an uncompressed body`,
      415,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of body.pipeThrough(new DecompressionStream(format))) {
      total += chunk.byteLength;
      if (total > MAX_DECODED_BYTES) {
        throw new OpenAIRequestError(
          `the decompressed request body exceeds ${MAX_DECODED_BYTES >> 20} MiB`,
          413,
        );
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof OpenAIRequestError) throw err;
    throw new OpenAIRequestError(`failed to decompress ${encoding} body: ${(err as Error).message}`);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
