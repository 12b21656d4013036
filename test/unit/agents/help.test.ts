// The replies the proxy writes itself: /help, /help <agent>, unknown commands.
import { describe, expect, test } from "bun:test";
import { helpReply, unknownCommandReply } from "../../../src/agents/help.ts";
import { createSnapshot } from "../../../src/agents/snapshot.ts";
import { agent, loaded, snapshotOf } from "./helpers.ts";

const translate = agent("translate", { onRequest: () => undefined, args: ["language"] });
translate.manifest.examples = ["/translate fr Good morning"];
const snap = snapshotOf(agent("concise", { onRequest: () => undefined }), translate);

describe("helpReply", () => {
  test("lists every agent with its usage line", () => {
    const text = helpReply(snap, null);
    expect(text).toContain("`/concise <your message>` — concise agent");
    expect(text).toContain("`/translate <language> <your message>`");
    expect(text).toContain("/help <agent>");
  });

  test("one agent in detail", () => {
    const text = helpReply(snap, "translate");
    expect(text).toContain("**/translate**");
    expect(text).toContain("`<language>`");
    expect(text).toContain("`/translate fr Good morning`");
  });

  test("an unknown topic falls back to the list", () => {
    expect(helpReply(snap, "nope")).toStartWith("There is no agent called `/nope`.");
  });

  test("no agents, and failed ones mentioned", () => {
    const failed = createSnapshot([], [{ name: null, file: "x.ts", error: "boom", loadedAt: "" }]);
    expect(helpReply(failed, null)).toBe(
      "No agents are loaded.\n\n1 agent file(s) failed to load; see GET /plugins.",
    );
  });
});

test("unknownCommandReply suggests the nearest name and the // escape", () => {
  const text = unknownCommandReply("translte", snap);
  expect(text).toStartWith("Unknown command `/translte`. Did you mean `/translate`?");
  expect(text).toContain("`//translte …`");
  expect(unknownCommandReply("zzzzzz", createSnapshot([loaded(translate)], []))).not.toContain(
    "Did you mean",
  );
});
