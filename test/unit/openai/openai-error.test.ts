// The OpenAI error type and envelope.
import { describe, expect, test } from "bun:test";
import { openAIErrorObject as openAIErrorBody, openAIErrorType, ProxyError } from "../../../src/errors.ts";
import { OpenAIRequestError } from "../../../src/features/openai/translate/openai-error.ts";

describe("OpenAIRequestError", () => {
  test("defaults to a 400 with no param or code", () => {
    const err = new OpenAIRequestError("bad");
    expect(err.message).toBe("bad");
    expect(err.status).toBe(400);
    expect(err.param).toBeNull();
    expect(err.code).toBeNull();
  });

  test("is a ProxyError from the proxy, so the app's one onError renders it", () => {
    const err = new OpenAIRequestError("nope", 404, "model", "model_not_found");
    expect(err).toBeInstanceOf(ProxyError);
    expect(err).toBeInstanceOf(Error);
    expect(err.origin).toBe("proxy");
    expect([err.status, err.param, err.code]).toEqual([404, "model", "model_not_found"]);
  });
});

describe("openAIErrorType", () => {
  test.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [502, "api_error"],
    [503, "api_error"],
  ])("%d → %s", (status, type) => {
    expect(openAIErrorType(status)).toBe(type);
  });
});

describe("openAIErrorBody", () => {
  test("has every key OpenAI clients read, nulls included", () => {
    expect(openAIErrorBody("model 'x' not found", 404)).toEqual({
      error: { message: "model 'x' not found", type: "not_found_error", param: null, code: null },
    });
    expect(openAIErrorBody("bad n", 400, "n", "unsupported")).toEqual({
      error: { message: "bad n", type: "invalid_request_error", param: "n", code: "unsupported" },
    });
  });
});
