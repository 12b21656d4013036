// readNdjson: one object per line however the bytes arrive, and a bound on the line being collected.
import { expect, test } from "bun:test";
import { ProxyError } from "../../../src/errors.ts";
import { readNdjson } from "../../../src/streams/ndjson.ts";

function streamOf(chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(c) {
      const chunk = chunks[i++];
      if (chunk === undefined) return c.close();
      c.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
    },
  });
}

async function all(body: ReadableStream<Uint8Array>, maxLineBytes?: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of readNdjson(body, { maxLineBytes })) out.push(v);
  return out;
}

test("lines split anywhere, even inside a UTF-8 character, come out whole", async () => {
  const bytes = new TextEncoder().encode('{"a":"é🙂"}\r\n\n{"b":2}\n{"c":3}');
  const chunks = [...bytes].map((b) => new Uint8Array([b]));
  expect(await all(streamOf(chunks))).toEqual([{ a: "é🙂" }, { b: 2 }, { c: 3 }]);
  expect(await all(streamOf(['{"a":1}\n{"b"', ":2}\n"]))).toEqual([{ a: 1 }, { b: 2 }]);
});

test("a line past the limit fails with a 502 naming MAX_LINE_MB, whether or not its newline came", async () => {
  const long = `{"pad":"${"x".repeat(2000)}"}`;
  for (const chunks of [[`${long}\n`], [long.slice(0, 1500), long.slice(1500)], ["{}\n", "x".repeat(5000)]]) {
    const err = await all(streamOf(chunks), 1024).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyError);
    expect(err).toMatchObject({ status: 502, origin: "upstream" });
    expect((err as Error).message).toContain("MAX_LINE_MB");
  }
  expect(await all(streamOf([`${long}\n`]), 4096)).toHaveLength(1);
});

test("stopping early cancels the source", async () => {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(new TextEncoder().encode('{"a":1}\n'));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const _ of readNdjson(body)) break;
  expect(cancelled).toBe(true);
});
