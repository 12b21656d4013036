// What captures keep of secrets: nothing (auth headers, URL credentials, secret query values, tokens in text).
import { expect, test } from "bun:test";
import { redactHeaders, redactText } from "../../src/features/ui/redact.ts";

test("auth and cookie headers are replaced whole; other headers keep their value", () => {
  const headers = new Headers({
    Authorization: "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
    "X-Api-Key": "k1",
    Cookie: "session=abc",
    "Proxy-Authorization": "Bearer p",
    "Content-Type": "application/json",
    Referer: "https://u:p@example.com/?token=t0k",
  });
  expect(redactHeaders(headers)).toEqual({
    authorization: "[redacted]",
    "x-api-key": "[redacted]",
    cookie: "[redacted]",
    "proxy-authorization": "[redacted]",
    "content-type": "application/json",
    referer: "https://[redacted]@example.com/?token=[redacted]",
  });
});

test("credentials in URLs, secret query values and tokens anywhere in a body", () => {
  expect(redactText('{"url":"postgres://app:s3cret@db:5432/x"}')).toBe(
    '{"url":"postgres://[redacted]@db:5432/x"}',
  );
  expect(redactText("GET /x?api_key=AAA&model=llama&password=hunter2#top")).toBe(
    "GET /x?api_key=[redacted]&model=llama&password=[redacted]#top",
  );
  expect(redactText("use Bearer sk-proj-abcdefghijkl now")).toBe("use Bearer [redacted] now");
  // Ordinary text is left alone.
  expect(redactText("mail bob@example.com about the key to the shed")).toBe(
    "mail bob@example.com about the key to the shed",
  );
});
