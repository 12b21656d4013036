// The agent contract: the only proxy file agent modules import, and only with `import type`.
//
// An agent module default-exports a plain object (an AgentDefinition). Everything it needs at run
// time arrives through the context argument, so an agent file has no runtime imports from the proxy
// and loads the same from `bun run start`, the compiled binary, or any folder on disk.

/** Describes the agent to users (/help, /plugins) and to the slash-command parser. */
export interface AgentManifest {
  /** Command name: lower-case letters, digits, `-` or `_`, starting with a letter. `/name` activates it. */
  name: string;
  /** One sentence: what the agent does for the user. */
  description: string;
  version?: string;
  /**
   * Positional arguments the command takes right after its name, in order; each is one word or a
   * "double-quoted phrase". `/translate fr Good morning` with one argument gives args ["fr"].
   */
  args?: AgentArgument[];
  /** Usage line shown in /help, e.g. "/translate <language> <text>". Derived from args when absent. */
  usage?: string;
  examples?: string[];
}

export interface AgentArgument {
  name: string;
  description: string;
}

/** One chat message as agents see it; unknown native fields ride along in `extra`. */
export interface AgentMessage {
  role: "system" | "user" | "assistant" | "tool" | (string & {});
  content: string;
  images?: string[];
  thinking?: string;
  tool_calls?: unknown[];
  [extra: string]: unknown;
}

/**
 * The request in a dialect-neutral shape. For `/api/generate` and `/v1/completions`, `messages` is
 * the system prompt (if any) followed by one user message holding the prompt; the proxy maps the
 * result back (system messages → `system`, the rest joined → `prompt`).
 */
export interface AgentRequest {
  kind: "chat" | "generate";
  model: string;
  messages: AgentMessage[];
  /** Ollama model options (temperature, num_ctx, num_predict, stop, ...). */
  options: Record<string, unknown>;
  /** "json" or a JSON schema, as Ollama's `format`. */
  format?: unknown;
  think?: boolean | "low" | "medium" | "high" | "max";
  /** Every other native request field, passed upstream untouched unless an agent edits it. */
  extra: Record<string, unknown>;
}

/** A piece of answer text; `thinking` is the model's reasoning when it shows any. */
export interface AnswerPiece {
  content: string;
  thinking?: string;
}

/** Per-response state for a streaming transform: created once per request, fed every content piece. */
export interface ResponseTransform {
  /** Returns the text to pass on now; may hold text back (return "") and release it later. */
  chunk(text: string): string | Promise<string>;
  /** Called once at the end of the answer: returns whatever was held back. */
  flush?(): string | Promise<string>;
}

/** A model call made by an agent; carries the request's abort signal. */
export interface ModelCall {
  messages: AgentMessage[];
  /** Defaults to the model of the request the agent is serving. */
  model?: string;
  options?: Record<string, unknown>;
  format?: unknown;
  think?: AgentRequest["think"];
}

export interface ModelClient {
  /** Streams the answer piece by piece. */
  stream(call: ModelCall): AsyncIterable<AnswerPiece>;
  /** The whole answer text (thinking discarded). */
  complete(call: ModelCall): Promise<string>;
}

export interface AgentLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What every hook receives. */
export interface AgentContext {
  /** The positional arguments given after the command name. */
  args: string[];
  /** The user's text with every slash command removed (what the model will see as the last user turn). */
  input: string;
  /** This agent's settings: its manifest defaults overlaid with the operator's configuration. */
  settings: Readonly<Record<string, unknown>>;
  logger: AgentLogger;
  /** Aborted when the client goes away; pass it to anything slow. */
  signal: AbortSignal;
  /** Calls the upstream model (same upstream, same abort signal). */
  model: ModelClient;
}

export interface AgentDefinition {
  manifest: AgentManifest;
  /** Default settings; operators override them per agent (see README, AGENT_SETTINGS). */
  settings?: Record<string, unknown>;
  /** Rewrite the request before it goes upstream: return a new request, or edit and return nothing. */
  onRequest?(
    request: AgentRequest,
    ctx: AgentContext,
  ): AgentRequest | undefined | Promise<AgentRequest | undefined>;
  /** Transform the streamed answer; called once per response to create its state. */
  transformResponse?(ctx: AgentContext & { request: AgentRequest }): ResponseTransform;
  /**
   * Take over the whole turn: produce the answer yourself (calling `ctx.model` as often as needed)
   * instead of the single upstream call. Yield text pieces as they become ready.
   */
  run?(request: AgentRequest, ctx: AgentContext): AsyncIterable<string | AnswerPiece>;
}
