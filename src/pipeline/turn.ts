// The dialect-neutral unit of work behind every chat route: what goes into the pipeline, what comes out.

import type { ProxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { TurnProbe } from "../observe/probe.ts";
import type { ChatRequest, GenerateRequest, InferenceChunk } from "../wire/ollama.ts";

export type TurnKind = "chat" | "generate";

/** A native request body of either kind; which one is known from the turn's kind. */
export type NativeRequest = ChatRequest & GenerateRequest;

/** Read-only: every stage returns a new body instead of editing this one. */
export interface TurnInput {
  readonly kind: TurnKind;
  /** The client's request as a native Ollama body (a dialect translates its own into this). */
  readonly body: Readonly<NativeRequest>;
  /** The client's own bytes: sent upstream as they are when the body to send is `body` itself. */
  readonly bodyText?: string;
  /** Whether the client asked for a stream (the upstream may stream either way). */
  readonly clientStream: boolean;
  /** The renderer translates chunks, so the upstream's bytes cannot be handed over as they are. */
  readonly needsChunks: boolean;
  /** Fill `keep_alive` from the settings when the body has none (OpenAI clients cannot send it). */
  readonly fillKeepAlive: boolean;
  /** What this route answers when the request names no model and there is no default. */
  readonly missingModel: ProxyError;
  /** The client's headers, passed upstream (auth for cloud models, ids) minus hop-by-hop ones. */
  readonly headers: Headers;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Where the turn reports tokens, timings, agent hooks and upstream calls (metrics, traces). */
  readonly probe?: TurnProbe;
  /** With AUTH=keys: what the client's key may use. */
  readonly access?: TurnAccess;
  /** Told which fleet server answers the turn (the route reports it as a request fact). */
  readonly onUpstream?: (name: string) => void;
}

/** A key's rights over one turn (src/auth fills it in; absent = no keys). */
export interface TurnAccess {
  /** The key's name (never its secret): the fleet's queue takes turns between keys. */
  readonly name: string;
  /** Throws a 403 ProxyError when the key may not use this (resolved) model. */
  checkModel(model: string): void;
  /** Throws a 403 ProxyError when the key may not run one of these agents. */
  checkAgents(names: readonly string[]): void;
  /** Whether a model list shows this entry (an alias or preset judged by the model it runs). */
  lists(model: string): boolean;
}

export interface TurnResult {
  /** The model the answer comes from (after aliases, the default model and agents). */
  readonly model: string;
  /** The name the client asked for ("" when it named none). */
  readonly requested?: string;
  /** Agents activated by slash commands, in chain order. */
  readonly agents: readonly string[];
  /** The body sent upstream (`=== input.body` when the client's bytes go untouched); null when none is. */
  readonly body: Readonly<NativeRequest> | null;
  /** The answer. Errors thrown before its first event still have a status line to use. */
  readonly events: AsyncGenerator<TurnEvent>;
}

export type TurnEvent =
  /** Waiting on something slow (a pull, a model load); each renderer decides whether it shows. */
  | { type: "progress"; text: string }
  /** The upstream's own answer, untouched: the fast path (may carry an error status). */
  | { type: "upstream"; response: Response }
  | { type: "chunk"; chunk: InferenceChunk };
