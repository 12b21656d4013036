// The fake Ollama's /v1/responses against Ollama's own behaviour (openai/responses.go, middleware/openai.go).
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";

let fake: FakeOllama;

beforeAll(() => {
  fake = startFakeOllama();
});
afterEach(() => fake.reset());
afterAll(() => fake.stop());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}/v1/responses`, { method: "POST", body: JSON.stringify(body), headers });
const errorOf = async (res: Response) => ((await res.json()) as { error: Record<string, unknown> }).error;

describe("fake /v1/responses", () => {
  test("a one-shot answer: resp_N ids, reasoning first, Ollama's content type", async () => {
    const res = await post({
      model: "qwen3",
      instructions: "sys",
      input: "hi",
      reasoning: { effort: "minimal" },
    });
    const body = (await res.json()) as { id: string; output: Array<{ id: string; type: string }> };
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(body.id).toMatch(/^resp_\d+$/);
    expect(body.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(body.output[0]?.id).toBe(`rs_${body.id}`);
  });

  test("Ollama's error texts: unknown items, missing types, files; model errors rewrapped with their status", async () => {
    expect(await errorOf(await post({ model: "llama3.2", input: [{ type: "bogus" }] }))).toEqual({
      message: 'input[0]: unknown input item type: "bogus"',
      type: "invalid_request_error",
      param: null,
      code: null,
    });
    const missing = await errorOf(await post({ model: "llama3.2", input: [{ content: "x" }] }));
    expect(missing.message).toBe("input[0]: input item missing required 'type' field");
    const file = await post({
      model: "llama3.2",
      input: [{ role: "user", content: [{ type: "input_file" }] }],
    });
    expect((await errorOf(file)).message).toBe("file inputs are not currently supported");
    const ghost = await post({ model: "ghost", input: "hi" });
    expect(ghost.status).toBe(404);
    expect(await errorOf(ghost)).toMatchObject({
      message: "model 'ghost' not found",
      type: "not_found_error",
    });
  });

  test("the stream: sorted keys, no summary parts, and an error after the first chunk just ends it", async () => {
    const text = await (await post({ model: "qwen3", input: "hi", stream: true })).text();
    const first = text.split("\n")[1] ?? "";
    expect(first.startsWith('data: {"response":{"background":false,')).toBe(true);
    expect(text).not.toContain("reasoning_summary_part");
    expect(text).toContain("event: response.completed");
    const failed = await post(
      { model: "llama3.2", input: "a b c", stream: true },
      { "x-fake-fail-after-chunks": "2" },
    );
    const cut = await failed.text();
    expect(cut).toContain("response.output_text.delta");
    expect(cut).not.toMatch(/response\.(completed|failed)|event: error/);
  });
});
