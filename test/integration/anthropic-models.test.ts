// GET /v1/models in Anthropic's shapes for the real @anthropic-ai/sdk; OpenAI clients keep OpenAI's.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type FakeOllama, startFakeOllama } from "../helpers/fake-ollama.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

let fake: FakeOllama;
let proxy: TestProxy;
let claude: Anthropic;

beforeAll(async () => {
  fake = startFakeOllama();
  proxy = await startProxy({
    upstreamUrl: fake.url,
    settings: { modelAliases: { "claude-sonnet-4-5": "qwen3" } },
  });
  claude = new Anthropic({ baseURL: proxy.url, apiKey: "ollama", maxRetries: 0 });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
});

const installed = async () => {
  const tags = (await (await fetch(`${fake.url}/api/tags`)).json()) as { models: Array<{ name: string }> };
  return tags.models.map((m) => m.name);
};

describe("Anthropic's Models API", () => {
  test("models.list pages through every installed model and the aliases, in Anthropic's shape", async () => {
    const ids: string[] = [];
    for await (const model of claude.models.list({ limit: 2 })) {
      expect(model.type).toBe("model");
      expect(model.display_name).toBe(model.id);
      expect(Number.isNaN(Date.parse(model.created_at))).toBe(false);
      ids.push(model.id);
    }
    expect(ids).toEqual([...(await installed()), "claude-sonnet-4-5"]);
  });

  test("one page carries has_more, first_id and last_id", async () => {
    const page = await claude.models.list({ limit: 1 });
    const [first, second] = (await installed()) as [string, string];
    expect(page.data.map((m) => m.id)).toEqual([first]);
    expect(page.has_more).toBe(true);
    expect(page.first_id).toBe(first);
    expect(page.last_id).toBe(first);
    const before = await claude.models.list({ before_id: second, limit: 5 });
    expect(before.data.map((m) => m.id)).toEqual([first]);
    expect(before.has_more).toBe(false);
  });

  test("models.retrieve finds a model, with or without its tag, and names with a slash", async () => {
    const all = await installed();
    const slashed = all.find((n) => n.includes("/")) as string;
    expect(slashed).toBeDefined();
    expect((await claude.models.retrieve(slashed)).id).toBe(slashed);
    const tagged = all.find((n) => n.endsWith(":latest")) as string;
    expect((await claude.models.retrieve(tagged.replace(/:latest$/, ""))).id).toBe(tagged);
  });

  test("a model that does not exist is Anthropic's not_found_error; a bad limit its invalid_request_error", async () => {
    const missing = await claude.models.retrieve("nope").catch((e) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect(missing.error).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    const bad = await claude.models.list({ limit: 0 }).catch((e) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect(bad.error.error.type).toBe("invalid_request_error");
  });

  test("without anthropic-version the OpenAI shape answers, for the openai client", async () => {
    const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "ollama", maxRetries: 0 });
    const page = await openai.models.list();
    expect(page.data[0]?.object).toBe("model");
    expect(page.data.map((m) => m.id)).toContain("claude-sonnet-4-5");
  });
});
