// UPSTREAMS in each of its forms: name=url pairs, the config file's list, and the refusals.
import { expect, test } from "bun:test";
import { upstreamsFileForm, upstreamsSetting } from "../../../src/config/upstreams.ts";

const parse = (raw: string) => upstreamsSetting().safeParse(raw);

test("name=url pairs become servers with the default limit and weight", () => {
  expect(parse("gpu-a=10.0.0.5,gpu-b=http://10.0.0.6:11500").data).toEqual([
    { name: "gpu-a", url: "http://10.0.0.5:11434", maxConcurrent: 0, weight: 1 },
    { name: "gpu-b", url: "http://10.0.0.6:11500", maxConcurrent: 0, weight: 1 },
  ]);
  expect(parse("").data).toEqual([]);
});

test("the config file's list carries max-concurrent and weight", () => {
  const text = upstreamsFileForm().parse([
    { name: "a", url: "http://h:1", "max-concurrent": 4, weight: 2 },
    { name: "b", url: "h2" },
  ]);
  expect(parse(text).data).toEqual([
    { name: "a", url: "http://h:1", maxConcurrent: 4, weight: 2 },
    { name: "b", url: "http://h2:11434", maxConcurrent: 0, weight: 1 },
  ]);
});

test("bad entries are refused with a message naming the server, never its credentials", () => {
  const twice = parse("a=h1,a=h2");
  expect(twice.error?.issues[0]?.message).toBe("upstream a: the name is used twice");
  const scheme = parse("a=ftp://user:secret@h");
  expect(scheme.error?.issues[0]?.message).toStartWith("upstream a: expected an http or https URL");
  expect(JSON.stringify(scheme.error)).not.toContain("secret");
  expect(parse("justaurl").error?.issues[0]?.message).toContain("name=url");
  expect(upstreamsFileForm().safeParse([{ name: "a", url: "h", extra: 1 }]).success).toBe(true);
  expect(parse(JSON.stringify([{ name: "a", url: "h", extra: 1 }])).success).toBe(false);
});

test("FLEET_PULL_TARGET must name a server of the fleet", async () => {
  const { loadConfig } = await import("../../../src/config/index.ts");
  const load = (env: Record<string, string>) => loadConfig({ argv: [], env, cwd: "/", version: "t" });
  expect(load({ UPSTREAMS: "a=h1,b=h2", FLEET_PULL_TARGET: "b" }).kind).toBe("config");
  const wrong = load({ UPSTREAMS: "a=h1,b=h2", FLEET_PULL_TARGET: "c" });
  expect(wrong.kind === "error" && wrong.message).toBe(
    'invalid FLEET_PULL_TARGET="c": expected the name of a server in UPSTREAMS (a, b)',
  );
});
