// The fast path's completion text, read on the way for a span when content capture is on: lines cut
// anywhere (inside a character too) still give the text, the bytes go on unchanged, and with capture
// off the answer is not touched at all.
import { expect, test } from "bun:test";
import { AnswerText } from "../../../src/observe/answer-text.ts";
import { RequestProbe } from "../../../src/observe/probe.ts";
import type { InferenceChunk } from "../../../src/wire/ollama.ts";

const content = (chunk: InferenceChunk) => chunk.message?.content ?? "";
const line = (text: string, done = false) =>
  `${JSON.stringify({ model: "m", message: { role: "assistant", content: text }, done })}\n`;

/** `bytes` sent through in pieces of `size`; what came out, and the text read. */
async function through(bytes: Uint8Array, size: number): Promise<{ out: Uint8Array; text: string }> {
  const answer = new AnswerText(content);
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.slice(at, at + size));
      controller.close();
    },
  });
  const out = await new Response(source.pipeThrough(answer.stream())).bytes();
  return { out, text: answer.text };
}

test("a stream's lines, cut at every size, inside multi-byte characters too", async () => {
  const body = new TextEncoder().encode(line("Déjà") + line(" vu 🙂") + line(' "quoted"\n') + line("", true));
  for (const size of [1, 2, 3, 7, 64, body.length]) {
    const { out, text } = await through(body, size);
    expect(out).toEqual(body);
    expect(text).toBe('Déjà vu 🙂 "quoted"\n');
  }
});

test("a one-object answer without a last newline, and lines that are not JSON", async () => {
  const one = new TextEncoder().encode(line("whole answer", true).trimEnd());
  expect((await through(one, 5)).text).toBe("whole answer");
  const mixed = new TextEncoder().encode(`not json\n\n${line("kept")}{"broken":\n${line(" too")}`);
  expect((await through(mixed, 4)).text).toBe("kept too");
});

test("an overlong line is left out of the text; the lines after it are read", async () => {
  const huge = `{"message":{"content":"${"x".repeat(9 * 1024 * 1024)}"}}\n`;
  const body = new TextEncoder().encode(line("before ") + huge + line("after"));
  const { out, text } = await through(body, 1 << 20);
  expect(out.length).toBe(body.length);
  expect(text).toBe("before after");
});

test("with content capture off the answer is the upstream's own Response; on, an error answer is not read", () => {
  const res = new Response(line("hi", true));
  expect(new RequestProbe(null, false).watchAnswer(res, content)).toBe(res);
  const failed = new Response('{"error":"model not found"}', { status: 404 });
  expect(new RequestProbe(null, true).watchAnswer(failed, content)).toBe(failed);
  const read = new RequestProbe(null, true).watchAnswer(res, content);
  expect(read).not.toBe(res);
  expect(read.headers.get("content-type")).toBe(res.headers.get("content-type"));
});
