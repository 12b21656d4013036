// Responses `tools` + `tool_choice` → native tools: function tools, and namespaces flattened to `ns.member`.
import { z } from "zod";
import type { Tool } from "../../../wire/ollama.ts";
import { OpenAIRequestError } from "./openai-error.ts";

const toolSchema = z.looseObject({ type: z.string() });

export const responsesToolsShape = {
  tools: z.array(toolSchema).nullish(),
  tool_choice: z.unknown().optional(),
};

type ToolsInput = z.output<z.ZodObject<typeof responsesToolsShape>>;
type ToolInput = z.output<typeof toolSchema>;

/** A flattened namespace member's parts, so a call to `ns.member` goes back as `{namespace, name}`. */
export interface NamespacedName {
  namespace: string;
  name: string;
}

export interface NativeToolSet {
  tools: Tool[] | undefined;
  /** Flattened name → its namespace and own name. */
  namespaced: ReadonlyMap<string, NamespacedName>;
}

const UNFORCEABLE = "Ollama cannot force a tool call; use 'auto' or 'none'";

/** `auto` (or absent) keeps the tools, `none` drops them; anything that forces a call is refused. */
function toolChoice(choice: unknown): "auto" | "none" {
  if (choice == null || choice === "auto") return "auto";
  if (choice === "none") return "none";
  const what =
    choice === "required"
      ? "tool_choice 'required' is not supported"
      : typeof choice === "object"
        ? "tool_choice naming or restricting tools is not supported"
        : `invalid tool_choice ${JSON.stringify(choice)}`;
  throw new OpenAIRequestError(`${what}: ${UNFORCEABLE}`, 400, "tool_choice");
}

function unsupported(tool: ToolInput, param: string): never {
  // Built-in tools run on OpenAI's servers (Ollama runs web_search through ollama.com); /api/chat has none.
  const hint =
    tool.type === "web_search" || tool.type === "web_search_preview"
      ? ' (a built-in tool that needs a search service; in Codex set web_search = "disabled")'
      : "";
  throw new OpenAIRequestError(
    `unsupported tool type '${tool.type}'${hint}: only function tools and namespaces of them can run through Ollama`,
    400,
    `${param}.type`,
  );
}

function functionTool(tool: ToolInput, param: string, name: string): Tool {
  if (typeof tool.name !== "string" || tool.name === "") {
    throw new OpenAIRequestError(`Missing required parameter: '${param}.name'.`, 400, `${param}.name`);
  }
  const { parameters, description } = tool;
  if (parameters != null && (typeof parameters !== "object" || Array.isArray(parameters))) {
    throw new OpenAIRequestError(
      `${param}.parameters must be a JSON schema object`,
      400,
      `${param}.parameters`,
    );
  }
  const fn: Tool["function"] = { name };
  if (typeof description === "string") fn.description = description;
  if (parameters != null) fn.parameters = parameters as Record<string, unknown>;
  return { type: "function", function: fn };
}

function expand(tool: ToolInput, param: string, out: Tool[], names: Map<string, NamespacedName>): void {
  if (tool.type === "function") {
    out.push(functionTool(tool, param, String(tool.name ?? "")));
    return;
  }
  if (tool.type !== "namespace") unsupported(tool, param);
  const ns = typeof tool.name === "string" ? tool.name : "";
  if (!ns) throw new OpenAIRequestError(`Missing required parameter: '${param}.name'.`, 400, `${param}.name`);
  const members = Array.isArray(tool.tools) ? tool.tools : [];
  members.forEach((member, j) => {
    const at = `${param}.tools[${j}]`;
    const parsed = toolSchema.safeParse(member);
    if (!parsed.success || parsed.data.type !== "function") unsupported(parsed.data ?? { type: "?" }, at);
    const own = String(parsed.data.name ?? "");
    // Native tools have one flat name: the member is offered as `ns.member`, as Ollama's own layer does.
    const flat = `${ns}.${own}`;
    out.push(functionTool(parsed.data, at, flat));
    names.set(flat, { namespace: ns, name: own });
  });
}

export function nativeResponsesTools(input: ToolsInput): NativeToolSet {
  const choice = toolChoice(input.tool_choice);
  const tools: Tool[] = [];
  const namespaced = new Map<string, NamespacedName>();
  (input.tools ?? []).forEach((tool, i) => {
    expand(tool, `tools[${i}]`, tools, namespaced);
  });
  if (choice === "none" || tools.length === 0) return { tools: undefined, namespaced };
  return { tools, namespaced };
}
