// The nesting check every body reader runs before JSON.parse, and Go's words when it trips.
import { describe, expect, test } from "bun:test";
import { goJsonError } from "../../../src/wire/go-json-errors.ts";
import {
  JsonTooDeepError,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  parseJson,
} from "../../../src/wire/json-depth.ts";

const arrays = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

describe("nestsDeeperThan", () => {
  test("counts open objects and arrays, not their number", () => {
    expect(nestsDeeperThan(arrays(3), 3)).toBe(false);
    expect(nestsDeeperThan(arrays(4), 3)).toBe(true);
    expect(nestsDeeperThan(`{"a":{"b":[1]}}`, 2)).toBe(true);
    // Siblings close before the next opens: a long flat list is shallow.
    expect(nestsDeeperThan(`[${Array(5000).fill("[]").join(",")}]`, 2)).toBe(false);
  });

  test("brackets inside strings do not count, escaped quotes do not end the string", () => {
    expect(nestsDeeperThan(JSON.stringify({ s: "[".repeat(5000) }), 2)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ s: `\\"${"[".repeat(50)}` }), 2)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ s: `x\\` }) + arrays(5), 3)).toBe(true);
    // An even run of backslashes leaves the quote unescaped: the brackets after it are structure.
    expect(nestsDeeperThan(`["\\\\\\\\",${arrays(5)}]`, 3)).toBe(true);
  });

  test("an unterminated string ends the scan instead of looping", () => {
    expect(nestsDeeperThan(`{"a":"${"[".repeat(10)}`, 2)).toBe(false);
    expect(nestsDeeperThan(`"\\`, 2)).toBe(false);
  });
});

describe("parseJson", () => {
  test("parses what is within the limit, refuses one level more before parsing", () => {
    expect(parseJson(arrays(MAX_JSON_DEPTH))).toBeArray();
    expect(() => parseJson(arrays(MAX_JSON_DEPTH + 1))).toThrow(JsonTooDeepError);
    expect(() => parseJson("{")).toThrow(SyntaxError);
  });
});

describe("goJsonError past the limit", () => {
  test("names the bracket that opened one level too many, as Go's scanner does", () => {
    expect(goJsonError(`{"a":${arrays(MAX_JSON_DEPTH)}}`)).toBe("invalid character '[' exceeded max depth");
    expect(goJsonError(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1`)).toBe(
      "invalid character '{' exceeded max depth",
    );
  });

  test("a syntax error before the deep part is reported first; deep broken text does not overflow", () => {
    expect(goJsonError(`{"a":x,"b":${arrays(200_000)}}`)).toBe(
      "invalid character 'x' looking for beginning of value",
    );
    expect(goJsonError(`${"[".repeat(200_000)}x`)).toBe("invalid character '[' exceeded max depth");
  });
});
