// OpenAI `tools` + `tool_choice` → native tools; tool choices Ollama cannot honour are refused.

import { z } from "zod";
import type { Tool } from "../../../wire/ollama.ts";
import { OpenAIRequestError } from "./openai-error.ts";

export const toolsShape = {
  tools: z
    .array(z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string() }).optional() }))
    .nullish(),
  tool_choice: z.unknown().optional(),
};

type ToolsInput = z.output<z.ZodObject<typeof toolsShape>>;

const UNFORCEABLE = "Ollama cannot force a tool call; use 'auto' or 'none'";

function checkToolChoice(choice: unknown): "auto" | "none" {
  if (choice == null || choice === "auto") return "auto";
  if (choice === "none") return "none";
  if (choice === "required") {
    throw new OpenAIRequestError(
      `tool_choice 'required' is not supported: ${UNFORCEABLE}`,
      400,
      "tool_choice",
    );
  }
  if (typeof choice === "object") {
    throw new OpenAIRequestError(
      `tool_choice naming a specific tool is not supported: ${UNFORCEABLE}`,
      400,
      "tool_choice",
    );
  }
  throw new OpenAIRequestError(
    `invalid tool_choice ${JSON.stringify(choice)}: expected 'auto' or 'none'`,
    400,
    "tool_choice",
  );
}

/**
 * Function tools pass through as native tools (Ollama's Tool has the same shape). `tool_choice:"none"`
 * drops them, the only way to keep a tool-capable model from calling; an empty list sends none at all.
 */
export function nativeTools(input: ToolsInput): Tool[] | undefined {
  const choice = checkToolChoice(input.tool_choice);
  const tools = input.tools ?? [];
  tools.forEach((tool, i) => {
    if (tool.type !== "function" || !tool.function) {
      throw new OpenAIRequestError(
        `unsupported tool type '${tool.type}': only function tools are supported`,
        400,
        `tools[${i}].type`,
      );
    }
  });
  if (choice === "none" || tools.length === 0) return undefined;
  return tools as Tool[];
}
