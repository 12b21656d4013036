// Fuzzes the request parsers with a fixed seed: whatever a client sends, each either accepts it or
// refuses it with the proxy's own 4xx error — never a TypeError, a RangeError or a hang.
import { describe, expect, test } from "bun:test";
import { MAX_CHAIN_LENGTH } from "../../src/agents/chain-rules.ts";
import { parseSlashCommands, stripKnownCommands } from "../../src/agents/slash-commands.ts";
import { ProxyError } from "../../src/errors.ts";
import { readAnthropicJson } from "../../src/features/anthropic/read-body.ts";
import { translateMessagesRequest } from "../../src/features/anthropic/translate/request.ts";
import { readChatBody, readGenerateBody } from "../../src/features/chat/request.ts";
import { readOpenAIJson } from "../../src/features/openai/read-body.ts";
import {
  translateChatRequest,
  translateCompletionRequest,
  translateEmbeddingsRequest,
} from "../../src/features/openai/translate/index.ts";
import { translateResponsesRequest } from "../../src/features/openai/translate/responses-request.ts";
import { bodyFor } from "../helpers/fuzz-inputs.ts";
import { createPrng, fuzzSeed } from "../helpers/prng.ts";
import { agent, snapshotOf } from "./agents/helpers.ts";

const SEED = fuzzSeed(0x5eed16);

/** Runs `body` on each of `n` inputs; a failure names the seed and the input that caused it. */
async function fuzz(n: number, make: () => string, body: (input: string) => unknown): Promise<void> {
  for (let i = 0; i < n; i++) {
    const input = make();
    try {
      await body(input);
    } catch (err) {
      const shown = input.length > 300 ? `${input.slice(0, 300)}… (${input.length} chars)` : input;
      throw new Error(`seed ${SEED}, input #${i} ${JSON.stringify(shown)}: ${err}`, { cause: err });
    }
  }
}

/** The proxy refuses bad input with a ProxyError carrying a 4xx; anything else escaping is a bug. */
function refusesCleanly(err: unknown): void {
  if (!(err instanceof ProxyError)) throw err;
  expect(err.status).toBeGreaterThanOrEqual(400);
  expect(err.status).toBeLessThan(500);
  expect(err.message.length).toBeGreaterThan(0);
}

async function accepts<T>(run: () => T | Promise<T>, then?: (value: T) => void): Promise<void> {
  let value: T;
  try {
    value = await run();
  } catch (err) {
    refusesCleanly(err);
    return;
  }
  then?.(value);
}

const post = (text: string) => new Request("http://localhost/x", { method: "POST", body: text });

describe(`fuzzed parsers (seed ${SEED})`, () => {
  test("the native body readers: accepted bodies are objects, refusals are 400s", async () => {
    const rng = createPrng(SEED);
    await fuzz(
      1500,
      () => bodyFor(rng, rng.pick(["/api/chat", "/api/generate"])),
      async (text) => {
        await accepts(
          () => readChatBody(text),
          ({ value }) => expect(typeof value).toBe("object"),
        );
        await accepts(() => readGenerateBody(text));
      },
    );
  });

  test("the OpenAI reader and translators: the native body they build can be sent", async () => {
    const rng = createPrng(SEED + 1);
    const routes = {
      "/v1/chat/completions": translateChatRequest,
      "/v1/completions": translateCompletionRequest,
      "/v1/embeddings": translateEmbeddingsRequest,
      "/v1/responses": translateResponsesRequest,
    } as const;
    await fuzz(
      2000,
      () => `${rng.int(4)}${bodyFor(rng, rng.pick(Object.keys(routes)))}`,
      async (tagged) => {
        const translate = Object.values(routes)[Number(tagged[0])] ?? translateChatRequest;
        await accepts(
          async () => translate(readOpenAIJson(tagged.slice(1))),
          (translated) => expect(typeof JSON.stringify(translated.body)).toBe("string"),
        );
      },
    );
  });

  test("the Anthropic reader and translator: the native body it builds can be sent", async () => {
    const rng = createPrng(SEED + 3);
    await fuzz(
      1500,
      () => bodyFor(rng, "/v1/messages"),
      async (text) => {
        await accepts(
          async () => translateMessagesRequest(readAnthropicJson(text)),
          (translated) => expect(typeof JSON.stringify(translated.body)).toBe("string"),
        );
      },
    );
  });

  test("the slash-command grammar is total: every text parses to one of its outcomes", async () => {
    const noop = () => undefined;
    const snap = snapshotOf(
      agent("concise", { onRequest: noop }),
      agent("translate", { onRequest: noop, args: ["language"] }),
      agent("critique", { async *run() {} }),
    );
    const words = [
      "/concise",
      "/translate",
      "/critique",
      "/help",
      "/nope",
      "//",
      "/",
      "fr",
      '"a b',
      "\u00a0",
      "\n",
    ];
    const rng = createPrng(SEED + 2);
    const make = () =>
      Array.from({ length: rng.int(40) }, () =>
        rng.chance(0.7) ? rng.pick(words) : String.fromCodePoint(rng.int(0x11000)),
      ).join(rng.pick([" ", "", "\t", "  "]));
    const kinds = new Set(["none", "chain", "help", "unknown", "usage", "too-long"]);
    await fuzz(3000, make, (text) => {
      const parsed = parseSlashCommands(text, snap);
      expect(kinds.has(parsed.kind)).toBe(true);
      if (parsed.kind === "chain") expect(parsed.commands.length).toBeLessThanOrEqual(MAX_CHAIN_LENGTH);
      expect(typeof stripKnownCommands(text, snap)).toBe("string");
    });
  });
});
