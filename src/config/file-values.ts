// How a config file's typed values (numbers, lists, maps) become the one string a setting reads, so
// a file, a flag and a variable are checked by the same schema and cannot drift apart.
import { z } from "zod";

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar =>
  typeof v === "string" || (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean";
const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The default form: a string, number or true/false as written, or a list joined with commas. */
export function scalarOrList(): z.ZodType<string, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (isScalar(v)) return String(v);
    if (Array.isArray(v) && v.every(isScalar)) return v.map(String).join(",");
    ctx.addIssue({ code: "custom", message: "expected a string, a number, true/false or a list of them" });
    return z.NEVER;
  });
}

/** `name: value` pairs (aliases, per-model keep-alive), or the `a=b,c=d` string flags take. */
export function pairsMap(): z.ZodType<string, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (typeof v === "string") return v;
    if (!isMap(v)) {
      ctx.addIssue({ code: "custom", message: "expected a map of name: value" });
      return z.NEVER;
    }
    const out: string[] = [];
    for (const [key, value] of Object.entries(v)) {
      if (typeof value === "string" || typeof value === "number") out.push(`${key}=${value}`);
      else ctx.addIssue({ code: "custom", path: [key], message: "expected a string or a number" });
    }
    return out.join(",");
  });
}

/** A map of maps (per-agent settings) carried as inline JSON, or the file path / JSON string flags take. */
export function jsonMap(): z.ZodType<string, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (typeof v === "string") return v;
    if (!isMap(v)) {
      ctx.addIssue({ code: "custom", message: "expected a map of agent name: settings map" });
      return z.NEVER;
    }
    for (const [key, value] of Object.entries(v))
      if (!isMap(value)) ctx.addIssue({ code: "custom", path: [key], message: "expected a map of settings" });
    // An empty map is "no settings", the same as the default.
    return Object.keys(v).length ? JSON.stringify(v) : "";
  });
}
