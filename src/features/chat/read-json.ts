// Reads a JSON request body with Ollama's error texts for empty, malformed and wrongly typed input.
import { ProxyError } from "../../errors.ts";
import { goJsonError } from "../../streams/json-errors.ts";

export interface JsonBody {
  text: string;
  value: Record<string, unknown>;
}

/** Ollama's Go struct names, used in its "cannot unmarshal" messages. */
export type GoStructName = "ChatRequest" | "GenerateRequest";

export async function readJsonObject(req: Request, struct: GoStructName): Promise<JsonBody> {
  const text = await req.text();
  if (text.trim() === "") throw new ProxyError(400, "missing request body");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProxyError(400, goJsonError(text));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ProxyError(
      400,
      `json: cannot unmarshal ${goTypeOf(value)} into Go value of type api.${struct}`,
    );
  }
  return { text, value: value as Record<string, unknown> };
}

/** Go's names for JSON value kinds in unmarshal errors. */
export function goTypeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

/** `json: cannot unmarshal number into Go struct field ChatRequest.model of type string`. */
export function unmarshalError(
  struct: GoStructName,
  field: string,
  value: unknown,
  goType: string,
): ProxyError {
  return new ProxyError(
    400,
    `json: cannot unmarshal ${goTypeOf(value)} into Go struct field ${struct}.${field} of type ${goType}`,
  );
}
