// The README's settings table and quick start stay true to the code.
import { expect, test } from "bun:test";
import path from "node:path";
import { SETTINGS } from "../../src/config/settings.ts";

const readme = await Bun.file(path.resolve(import.meta.dir, "../../README.md")).text();
const table = readme.slice(
  readme.indexOf("<!-- settings:start -->"),
  readme.indexOf("<!-- settings:end -->"),
);
const rows = new Map(
  table
    .split("\n")
    .filter((l) => l.startsWith("| `"))
    .map((l) => {
      const cells = l.split("|").map((c) => c.trim());
      return [cells[1]?.replaceAll("`", ""), { flag: cells[2]?.replaceAll("`", ""), def: cells[3] }] as const;
    }),
);

test("every setting is in the README with its flag and default, and nothing else is", () => {
  for (const s of Object.values(SETTINGS)) {
    const row = rows.get(s.env);
    expect(row, s.env).toBeDefined();
    expect(row?.flag).toBe(s.flag);
    expect(row?.def).toBe(s.default === "" ? "_(empty)_" : `\`${s.default}\``);
  }
  expect(rows.size).toBe(Object.keys(SETTINGS).length);
});

test("the quick start installs Bun, dependencies, and starts or tests", () => {
  expect(readme).toContain("npm install -g bun && bun install && bun run start");
  expect(readme).toContain("npm install -g bun && bun install && bun test");
});
