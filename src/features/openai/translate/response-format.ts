// OpenAI `response_format` → native `format` ("json" or a JSON schema).
import { z } from "zod";
import { OpenAIRequestError } from "./openai-error.ts";

export const responseFormatShape = {
  response_format: z
    .looseObject({
      type: z.string(),
      json_schema: z.looseObject({ schema: z.unknown().optional() }).nullish(),
    })
    .nullish(),
};

type FormatInput = z.output<z.ZodObject<typeof responseFormatShape>>;

export function formatFromResponseFormat(input: FormatInput): string | object | undefined {
  const rf = input.response_format;
  if (rf == null) return undefined;
  switch (rf.type) {
    case "text":
      return undefined;
    case "json_object":
      return "json";
    case "json_schema": {
      const schema = rf.json_schema?.schema;
      // OpenAI makes `schema` optional; without one, plain JSON mode is the closest promise we can keep.
      return typeof schema === "object" && schema !== null ? schema : "json";
    }
    default:
      throw new OpenAIRequestError(
        `invalid response_format type '${rf.type}': expected text, json_object or json_schema`,
        400,
        "response_format.type",
      );
  }
}
