// Anthropic `tools` + `tool_choice` → native function tools; what Ollama cannot do is refused by name.
import type { Tool } from "../../../wire/ollama.ts";
import { isRecord, refuse } from "./validate.ts";

const UNFORCEABLE = 'Ollama cannot force a tool call; use {"type":"auto"} or {"type":"none"}';

function toolChoice(choice: unknown): "auto" | "none" {
  if (choice == null) return "auto";
  if (!isRecord(choice)) return refuse("tool_choice", "must be an object with a type");
  if (choice.type === "auto" || choice.type === "none") return choice.type;
  if (choice.type === "any" || choice.type === "tool") {
    return refuse("tool_choice.type", `${JSON.stringify(choice.type)} is not supported: ${UNFORCEABLE}`);
  }
  return refuse(
    "tool_choice.type",
    `expected "auto", "any", "tool" or "none", got ${JSON.stringify(choice.type)}`,
  );
}

function convertTool(tool: unknown, at: string): Tool {
  if (!isRecord(tool)) return refuse(at, "must be a tool object");
  // Anthropic's own tools (web search, code execution, bash_2025…, text_editor_…) carry no schema
  // an Ollama model could be given, and server tools run at Anthropic.
  if (tool.type != null && tool.type !== "custom") {
    refuse(
      `${at}.type`,
      `${JSON.stringify(tool.type)} is one of Anthropic's built-in tools, which Ollama cannot run; declare a custom tool with an input_schema instead`,
    );
  }
  if (typeof tool.name !== "string" || !tool.name) refuse(`${at}.name`, "Field required");
  if (tool.description != null && typeof tool.description !== "string") {
    refuse(`${at}.description`, "must be a string");
  }
  if (tool.input_schema != null && !isRecord(tool.input_schema)) {
    refuse(`${at}.input_schema`, "must be a JSON schema object");
  }
  const fn: Tool["function"] = { name: tool.name };
  if (tool.description) fn.description = tool.description;
  if (tool.input_schema) fn.parameters = tool.input_schema as Record<string, unknown>;
  return { type: "function", function: fn };
}

/**
 * Custom tools become native function tools (`cache_control`, `strict`, `defer_loading` and the like
 * are hints Ollama has no use for). `tool_choice: none` sends no tools — the only way to keep a model
 * from calling one; `disable_parallel_tool_use` is accepted but cannot be enforced.
 */
export function convertTools(tools: unknown, choice: unknown): Tool[] | undefined {
  const mode = toolChoice(choice);
  if (tools == null) return undefined;
  if (!Array.isArray(tools)) return refuse("tools", "must be an array of tools");
  const native = tools.map((tool, i) => convertTool(tool, `tools.${i}`));
  return mode === "none" || native.length === 0 ? undefined : native;
}
