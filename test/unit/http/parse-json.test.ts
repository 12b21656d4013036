// parseJson: JSON.parse's value or JSON.parse's failure, with large plain strings taken from the text.
import { describe, expect, test } from "bun:test";
import { parseJson } from "../../../src/http/parse-json.ts";

const big = (ch = "A", n = 300_000) => ch.repeat(n);

/** parseJson must agree with JSON.parse on every input: same value, or a SyntaxError for both. */
function agrees(text: string): void {
  let expected: unknown;
  let expectedError = false;
  try {
    expected = JSON.parse(text);
  } catch {
    expectedError = true;
  }
  if (expectedError) expect(() => parseJson(text)).toThrow(SyntaxError);
  else expect(parseJson(text)).toEqual(expected);
}

describe("parseJson", () => {
  test("valid bodies parse to JSON.parse's value", () => {
    const image = big();
    for (const text of [
      JSON.stringify({ model: "m", images: [image, image.slice(1)], nested: { deep: [[{ x: image }]] } }),
      JSON.stringify({ messages: [{ content: `é 🙂 ${big("b")}` }] }),
      JSON.stringify({ a: `with "quotes" and \\ backslashes ${big()}` }),
      JSON.stringify([image, 1, null, true, { [image]: "a large key" }]),
      JSON.stringify(image),
      `{"__proto__": "${image}", "constructor": {"x": "${image}"}}`,
      `  {"spaced"  :  "${image}"  }  `,
      `{"dup": "${image}", "dup": "second"}`,
    ]) {
      agrees(text);
    }
  });

  test("malformed bodies fail as they would have", () => {
    const image = big();
    for (const text of [
      `{"a": "${image}"`,
      `{"a": "${image}`,
      `{"a": "${image}\t"}`,
      `{"a": "${image}\n"}`,
      `{"a": \\"${image}"}`,
      `{"a": "${image}" "b"}`,
      `{"a": "\\${image}"}`,
      `"${image}" x`,
      `{"a": "x\\"${image}"`,
    ]) {
      agrees(text);
    }
  });
});
