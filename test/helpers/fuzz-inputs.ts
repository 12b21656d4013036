// Random and mutated request bodies for the fuzz tests: wrong types, huge numbers, deep nesting,
// unicode, nulls, truncations — grown from valid requests so that most reach past the first check.
import type { Prng } from "./prng.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const hi = [{ role: "user", content: "hi" }];

/** One valid body per route, with the fields each reader looks at. */
export const SEED_BODIES: Readonly<Record<string, Json>> = {
  "/api/chat": {
    model: "llama3.2",
    messages: [{ role: "system", content: "be brief" }, ...hi],
    stream: false,
    options: { temperature: 0.5, num_predict: 8 },
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }],
    format: "json",
    keep_alive: "5m",
    think: false,
  },
  "/api/generate": {
    model: "llama3.2",
    prompt: "hi",
    system: "be brief",
    stream: false,
    images: [],
    options: { num_predict: 5 },
    raw: false,
    format: { type: "object" },
  },
  "/v1/chat/completions": {
    model: "llama3.2",
    messages: [
      { role: "developer", content: "be brief" },
      { role: "user", content: [{ type: "text", text: "hi" }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
      },
      { role: "tool", tool_call_id: "c1", content: "42" },
    ],
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0.2,
    max_tokens: 16,
    stop: ["\n\n"],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    tool_choice: "auto",
    response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
    seed: 1,
    options: { num_ctx: 2048 },
  },
  "/v1/completions": {
    model: "llama3.2",
    prompt: "hi",
    max_tokens: 5,
    stream: false,
    stop: "x",
    echo: false,
  },
  "/v1/embeddings": { model: "nomic-embed-text", input: ["a", "b"], encoding_format: "float" },
  "/api/show": { model: "llama3.2", verbose: false },
  "/api/pull": { model: "tinyllama", stream: false },
  "/v1/messages": {
    model: "llama3.2",
    max_tokens: 64,
    system: [{ type: "text", text: "be brief" }],
    messages: [
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "f", input: { a: 1 } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
    ],
    tools: [{ name: "f", input_schema: { type: "object", properties: {} } }],
    thinking: { type: "enabled", budget_tokens: 1024 },
    stop_sequences: ["END"],
    stream: false,
  },
  "/v1/responses": {
    model: "llama3.2",
    instructions: "be brief",
    input: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
      { type: "function_call", call_id: "call_1", name: "f", arguments: '{"a":1}' },
      { type: "function_call_output", call_id: "call_1", output: "ok" },
    ],
    tools: [{ type: "function", name: "f", parameters: { type: "object", properties: {} } }],
    reasoning: { effort: "low" },
    max_output_tokens: 64,
    stream: false,
  },
};

const HUGE_NUMBERS = [
  "1e400",
  "-1e400",
  "123456789012345678901234567890",
  "1e-400",
  "-0",
  "9007199254740993",
];
const STRINGS = [
  "",
  "/concise hi",
  "/translate fr bonjour",
  "/help",
  "/nope x",
  "//escaped",
  "/concise /critique /concise",
  "é😀\u0000\u2028",
  "\ud800",
  "llama3.2",
  "no-such-model:latest",
  "nomic-embed-text",
  "../../etc/passwd",
  "x".repeat(20_000),
];

/** A random JSON value; `room` bounds how deep it may nest (deep nesting comes from `deepValue`). */
export function randomValue(rng: Prng, room = 4): Json {
  const kind = rng.int(room > 0 ? 9 : 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, Number.MIN_VALUE]);
    case 3:
    case 4:
      return rng.pick(STRINGS);
    case 5:
      return rng.int(1000) - 500;
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomValue(rng, room - 1));
    case 7:
      return Object.fromEntries(
        Array.from({ length: rng.int(4) }, () => [rng.pick(KEYS), randomValue(rng, room - 1)]),
      );
    default:
      return deepValue(rng);
  }
}

const KEYS = [
  "model",
  "messages",
  "role",
  "content",
  "stream",
  "options",
  "prompt",
  "input",
  "tools",
  "type",
  "x",
];

/** Nesting around the proxy's limit and far past it, as objects or arrays. */
export function deepValue(rng: Prng): Json {
  const depth = rng.pick([10, 500, 995, 999, 1000, 1001, 1005, 5000]);
  let value: Json = rng.pick([1, "x", null]);
  const asArray = rng.chance(0.5);
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** A copy of `value` with one random change somewhere inside it. */
export function mutateValue(rng: Prng, value: Json): Json {
  if (value === null || typeof value !== "object" || rng.chance(0.15)) return randomValue(rng);
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length === 0 || rng.chance(0.2)) copy.push(randomValue(rng));
    else {
      const i = rng.int(copy.length);
      if (rng.chance(0.2)) copy.splice(i, 1);
      else copy[i] = mutateValue(rng, copy[i] as Json);
    }
    return copy;
  }
  const copy = { ...value };
  const keys = Object.keys(copy);
  if (keys.length === 0 || rng.chance(0.15)) copy[rng.pick(KEYS)] = randomValue(rng);
  else {
    const key = rng.pick(keys);
    if (rng.chance(0.15)) delete copy[key];
    else copy[key] = mutateValue(rng, copy[key] as Json);
  }
  return copy;
}

const TEXT_BITS = [
  "{",
  "}",
  "[",
  "]",
  '"',
  "\\",
  ",",
  ":",
  "null",
  "\u0000",
  "é",
  "😀",
  "\ud800",
  " ",
  "\n",
  "1e999",
];

/** The text of a JSON document, broken the ways a network or a buggy client breaks it. */
export function mutateText(rng: Prng, text: string): string {
  const at = rng.int(text.length + 1);
  switch (rng.int(9)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + rng.pick(TEXT_BITS) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + rng.between(1, 20));
    case 3:
      return text.replace(/-?\d+(\.\d+)?/, rng.pick(HUGE_NUMBERS));
    case 4: {
      const n = rng.pick([2, 999, 1001, 50_000]);
      return `${"[".repeat(n)}${text}${"]".repeat(n)}`;
    }
    case 5:
      return text.slice(0, at) + text.slice(Math.max(0, at - 30), at) + text.slice(at);
    case 6:
    case 7: {
      // Nesting far past any limit, as text: building it as a value would overflow this very test.
      const opens = [...text.matchAll(/\{/g)].map((m) => m.index);
      if (opens.length === 0) return text;
      const open = rng.pick(opens);
      const n = rng.pick([1001, 30_000, 100_000]);
      const deep = rng.chance(0.5)
        ? `${'{"a":'.repeat(n)}1${"}".repeat(n)}`
        : `${"[".repeat(n)}${"]".repeat(n)}`;
      return `${text.slice(0, open + 1)}"x":${deep},${text.slice(open + 1)}`;
    }
    default:
      return rng.pick(["", " ", "null", "[]", '""', "0", "{}", "{", "\ufeff{}", text + text]);
  }
}

/** A body for `route`: usually its seed changed once or twice, sometimes broken text or noise. */
export function bodyFor(rng: Prng, route: string): string {
  const seed = SEED_BODIES[route] ?? {};
  let value: Json = seed;
  for (let n = rng.between(1, 3); n > 0; n--) value = mutateValue(rng, value);
  const text = JSON.stringify(value) ?? "null";
  const roll = rng.next();
  if (roll < 0.55) return text;
  if (roll < 0.9) return mutateText(rng, rng.chance(0.5) ? text : JSON.stringify(seed));
  return JSON.stringify(randomValue(rng)) ?? "";
}
