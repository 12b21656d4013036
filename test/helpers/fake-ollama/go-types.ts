// Reproduces encoding/json's type errors for a decoded body against Ollama's request structs.
import { base64Error } from "./go-values.ts";
import { type GoType, REQUEST_TYPES } from "./request-types.ts";

export type RequestKind = keyof typeof REQUEST_TYPES;

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  return typeof v === "object" ? "object" : typeof v;
}

function goTypeName(t: GoType): string {
  switch (t.kind) {
    case "float":
      return "float64";
    case "map":
    case "slice":
    case "bytes":
      return t.name;
    case "struct":
      return `api.${t.name}`;
    default:
      return t.kind;
  }
}

interface Walk {
  saved: string | null;
}

class Abort extends Error {}

function check(v: unknown, t: GoType, structName: string, path: string, w: Walk): void {
  if (v === null || t.kind === "any") return;
  const mismatch = (value = jsonKind(v)) => {
    w.saved ??= `json: cannot unmarshal ${value} into Go struct field ${structName}.${path} of type ${goTypeName(t)}`;
  };
  switch (t.kind) {
    case "custom": {
      const err = t.check(v);
      if (err) throw new Abort(err);
      return;
    }
    case "string":
      if (typeof v !== "string") mismatch();
      return;
    case "bool":
      if (typeof v !== "boolean") mismatch();
      return;
    case "float":
      if (typeof v !== "number") mismatch();
      return;
    case "int":
      if (typeof v !== "number") mismatch();
      else if (!Number.isInteger(v)) mismatch(`number ${v}`);
      return;
    case "bytes":
      if (typeof v !== "string") mismatch();
      else w.saved ??= base64Error(v);
      return;
    case "map":
      if (typeof v !== "object" || Array.isArray(v)) mismatch();
      return;
    case "slice":
      if (!Array.isArray(v)) mismatch();
      else for (const e of v) check(e, t.elem, structName, path, w);
      return;
    case "struct":
      if (typeof v !== "object" || Array.isArray(v)) mismatch();
      else checkFields(v as Record<string, unknown>, t, path, w);
  }
}

function checkFields(
  obj: Record<string, unknown>,
  t: GoType & { kind: "struct" },
  prefix: string,
  w: Walk,
): void {
  for (const [key, value] of Object.entries(obj)) {
    // encoding/json matches field names case-insensitively.
    const field = Object.keys(t.fields).find((f) => f.toLowerCase() === key.toLowerCase());
    const ft = field ? t.fields[field] : undefined;
    if (!field || !ft) continue;
    check(value, ft, t.name, prefix ? `${prefix}.${field}` : field, w);
  }
}

/** The error json.Unmarshal would return for this value into the route's request struct, or null. */
export function goUnmarshalError(value: unknown, kind: RequestKind): string | null {
  const t = REQUEST_TYPES[kind];
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    return `json: cannot unmarshal ${jsonKind(value)} into Go value of type api.${t.name}`;
  }
  const w: Walk = { saved: null };
  try {
    checkFields(value as Record<string, unknown>, t, "", w);
  } catch (e) {
    if (e instanceof Abort) return e.message;
    throw e;
  }
  return w.saved;
}
