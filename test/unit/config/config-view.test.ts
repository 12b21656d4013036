// GET /config's view of the settings: every secret the proxy can be given is masked.
import { expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import { settingsView } from "../../../src/features/config/view.ts";

test("credentials and secrets in every setting that can hold one are masked", () => {
  const secrets = [
    "pg-pass-1",
    "redis-pass-2",
    "hash-secret-3",
    "otlp-token-4",
    "fleet-pass-5",
    "ollama-pass-6",
  ];
  const loaded = loadConfig({
    argv: [
      "--database-url",
      `postgres://u:${secrets[0]}@db:5432/proxy`,
      "--redis-url",
      `redis://:${secrets[1]}@cache:6379`,
      "--auth-secret",
      secrets[2] as string,
      "--otel-headers",
      `authorization=Bearer%20${secrets[3]}`,
      "--upstreams",
      `a=http://u:${secrets[4]}@gpu-a:11434`,
      "--ollama-url",
      `http://u:${secrets[5]}@gpu-b:11434`,
    ],
    env: {},
    cwd: "/",
    version: "test",
  });
  if (loaded.kind !== "config") throw new Error(`config refused: ${JSON.stringify(loaded)}`);
  const shown = JSON.stringify(settingsView(loaded.config));
  for (const secret of secrets) expect(shown).not.toContain(secret);
  // Still useful: where each server is, just not how to log in to it.
  expect(shown).toContain("gpu-a:11434");
  expect(shown).toContain("db:5432");
});
