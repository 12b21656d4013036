// /v1/embeddings: request translation and float/base64 responses.
import { describe, expect, test } from "bun:test";
import {
  float32Base64,
  toEmbeddingsResponse,
  translateEmbeddingsRequest,
} from "../../../src/features/openai/translate/embeddings.ts";
import { expectRequestError } from "./helpers.ts";

const embed = (extra: Record<string, unknown> = {}) =>
  translateEmbeddingsRequest({ model: "nomic-embed-text", input: "hello", ...extra });

/** The same decoding the openai client applies (`toFloat32Array` in its internal utils). */
const decode = (b64: string) => {
  const buf = Buffer.from(b64, "base64");
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
};

describe("translateEmbeddingsRequest", () => {
  test("string and list inputs; float by default", () => {
    expect(embed()).toEqual({
      body: { model: "nomic-embed-text", input: "hello" },
      encodingFormat: "float",
      requestedModel: "nomic-embed-text",
    });
    expect(embed({ input: ["a", "b"] }).body.input).toEqual(["a", "b"]);
  });

  test('"" becomes [""] so a vector comes back instead of a load-only reply', () => {
    expect(embed({ input: "" }).body.input).toEqual([""]);
  });

  test("encoding_format float/base64; anything else gets Ollama's exact text", () => {
    expect(embed({ encoding_format: "base64" }).encodingFormat).toBe("base64");
    expect(embed({ encoding_format: "float" }).encodingFormat).toBe("float");
    expect(embed({ encoding_format: null }).encodingFormat).toBe("float");
    expectRequestError(() => embed({ encoding_format: "int8" }), {
      message: "Invalid value for 'encoding_format' = int8. Supported values: ['float', 'base64'].",
      param: "encoding_format",
    });
  });

  test("input errors", () => {
    for (const input of [undefined, null, [], 5, ["a", 1], [{}]]) {
      expectRequestError(() => embed({ input }), { message: "invalid input", param: "input" });
    }
    for (const input of [
      [1, 2, 3],
      [[1, 2], [3]],
    ]) {
      expectRequestError(() => embed({ input }), {
        message: "token-array inputs are not supported; send strings",
        param: "input",
      });
    }
  });

  test("dimensions and Ollama extras; user is ignored", () => {
    const t = embed({
      dimensions: 256,
      keep_alive: -1,
      truncate: false,
      options: { num_thread: 4 },
      num_ctx: 512,
      user: "u",
    });
    expect(t.body).toEqual({
      model: "nomic-embed-text",
      input: "hello",
      dimensions: 256,
      keep_alive: -1,
      truncate: false,
      options: { num_thread: 4, num_ctx: 512 },
    });
    expectRequestError(() => embed({ dimensions: 0 }), { param: "dimensions", message: /dimensions/ });
  });

  test("model errors", () => {
    expectRequestError(() => translateEmbeddingsRequest({ input: "x" }), {
      param: "model",
      message: /Missing/,
    });
  });
});

describe("toEmbeddingsResponse", () => {
  const native = {
    model: "nomic-embed-text:latest",
    embeddings: [
      [0.25, -0.5],
      [1, 0],
    ],
    prompt_eval_count: 6,
  };

  test("float: vectors as they are, indexed, usage from prompt_eval_count, requested model echoed", () => {
    expect(toEmbeddingsResponse(native, { model: "nomic-embed-text", encodingFormat: "float" })).toEqual({
      object: "list",
      data: [
        { object: "embedding", embedding: [0.25, -0.5], index: 0 },
        { object: "embedding", embedding: [1, 0], index: 1 },
      ],
      model: "nomic-embed-text",
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
  });

  test("base64: little-endian float32 that decodes back to the values", () => {
    const res = toEmbeddingsResponse(native, { model: "m", encodingFormat: "base64" });
    const first = res.data[0]?.embedding;
    expect(typeof first).toBe("string");
    expect(decode(first as string)).toEqual([0.25, -0.5]);
    expect(decode(res.data[1]?.embedding as string)).toEqual([1, 0]);
  });

  test("base64 bytes are little-endian regardless of platform", () => {
    // 1.0f = 0x3F800000 → LE bytes 00 00 80 3F
    expect(Buffer.from(float32Base64([1]), "base64")).toEqual(Buffer.from([0x00, 0x00, 0x80, 0x3f]));
  });

  test("round trip of awkward values rounds to float32 exactly like the client", () => {
    const values = [0.1, -1e-40, 123456.789, Number.MAX_VALUE, -0, Number.NaN];
    const decoded = decode(float32Base64(values));
    expect(decoded).toEqual(Array.from(Float32Array.from(values)));
  });

  test("no embeddings → empty data, zero usage", () => {
    expect(toEmbeddingsResponse({}, { model: "m", encodingFormat: "float" })).toEqual({
      object: "list",
      data: [],
      model: "m",
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });
});
