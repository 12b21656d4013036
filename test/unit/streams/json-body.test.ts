// jsonBody: JSON.stringify's bytes, as a string for small values and a stream with its length for large ones.
import { expect, test } from "bun:test";
import { jsonBody } from "../../../src/streams/json-body.ts";

async function bytesOf(value: unknown): Promise<Uint8Array> {
  const body = jsonBody(value);
  if (typeof body === "string") return new TextEncoder().encode(body);
  const bytes = new Uint8Array(await new Response(body.stream).arrayBuffer());
  expect(bytes.byteLength).toBe(body.length);
  return bytes;
}

test("small values are JSON.stringify's string", () => {
  expect(jsonBody({ model: "m", messages: [] })).toBe('{"model":"m","messages":[]}');
});

test("large values stream exactly JSON.stringify's bytes, with a matching Content-Length", async () => {
  const image = "QUJD".repeat(200_000);
  const values: unknown[] = [
    { model: "m", messages: [{ role: "user", content: "é 🙂", images: [image, image] }] },
    { text: `needs "escaping"\n\t\\ ${"x".repeat(600_000)}` },
    // A surrogate pair right at a slice edge must not be split into two lone halves.
    { text: `${"a".repeat(256 * 1024 - 1)}🙂${"b".repeat(300_000)}` },
    { lone: `\ud800${"c".repeat(300_000)}` },
    [image, { when: new Date(0), skipped: undefined }, image],
  ];
  for (const value of values) {
    const expected = new TextEncoder().encode(JSON.stringify(value));
    expect(await bytesOf(value)).toEqual(expected);
  }
});

test("a large string is not in the serialised text: the body streams", () => {
  const body = jsonBody({ images: ["QUJD".repeat(100_000)] });
  expect(typeof body).toBe("object");
});
