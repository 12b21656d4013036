// The per-request sink the pipeline reports facts into (tokens, first token, agent hooks, upstream
// calls); the request-context middleware reads it once to assemble the request record.
import type { InferenceChunk } from "../wire/ollama.ts";
import { AnswerText } from "./answer-text.ts";
import type { Usage } from "./usage.ts";

export type HookName = "onRequest" | "transformResponse" | "run";

/** One call the proxy makes to the upstream on a request's behalf. */
export interface UpstreamCall {
  /** GenAI operation: "chat" (also for /api/generate's text completion: "text_completion"). */
  operation: "chat" | "text_completion";
  /** The upstream path, e.g. /api/chat. */
  path: string;
  model: string;
  stream: boolean;
  /** Model options worth a trace attribute (temperature, top_p, num_predict, ...). */
  params?: Readonly<Record<string, unknown>>;
  /** The agent whose own model call this is; absent for the turn's answer. */
  agent?: string;
  /** Prompt messages, only kept when content capture is on. */
  input?: unknown;
}

export interface CallHandle {
  /** Adds the trace context (traceparent) for the upstream to `headers`. */
  inject(headers: Headers): void;
  end(outcome?: CallOutcome): void;
}

export interface CallOutcome {
  usage?: Usage | null;
  error?: unknown;
  /** The completion text, only when content capture is on and the proxy read it. */
  output?: string;
  /** performance.now() of the answer's first token (the turn's own call only). */
  firstChunkAt?: number;
}

export interface HookTimer {
  /** Runs one hook call and adds its time; a synchronous result stays synchronous. */
  time<T>(work: () => T): T;
  end(error?: unknown): void;
}

export interface HookFact {
  agent: string;
  hook: HookName;
  /** Time spent inside the hook's calls (its own work, as the server waits for it). */
  busyMs: number;
  calls: number;
  failed: boolean;
}

export interface CallFact {
  model: string;
  agent?: string;
  usage?: Usage;
  failed: boolean;
}

/** What the pipeline reports; every method is cheap when nothing listens. */
export interface TurnProbe {
  /** Whether prompt and completion text is wanted (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT). */
  readonly capturesContent: boolean;
  /** The final counts of the turn's answer. */
  usage(usage: Usage): void;
  /** The first piece of answer text (or thinking) is ready to go out. */
  firstToken(): void;
  call(call: UpstreamCall): CallHandle;
  hook(agent: string, hook: HookName): HookTimer;
  /**
   * The fast path's answer, relayed unread: with content capture on, the same bytes with their text
   * read on the way for the turn's upstream call; otherwise `response` itself, untouched.
   */
  watchAnswer(response: Response, contentOf: (chunk: InferenceChunk) => string): Response;
}

/** Where a request's child spans go; implemented by the tracing module, absent when tracing is off. */
export interface SpanParent {
  child(call: UpstreamCall): CallHandle;
  hook(agent: string, hook: HookName): { end(fact: HookFact): void };
}

const NO_CALL: CallHandle = { inject() {}, end() {} };

export class RequestProbe implements TurnProbe {
  usageFacts: Usage | undefined;
  firstTokenAt: number | undefined;
  readonly hooks: HookFact[] = [];
  readonly calls: CallFact[] = [];
  /** Calls and hooks not ended yet (a stream cut short): `settle` ends them with the request. */
  private readonly open = new Set<() => void>();
  /** The text of an answer relayed unread, when content capture is on. */
  private answer: AnswerText | undefined;

  constructor(
    private readonly spans: SpanParent | null,
    readonly capturesContent = false,
  ) {}

  usage(usage: Usage): void {
    this.usageFacts ??= usage;
  }

  firstToken(): void {
    this.firstTokenAt ??= performance.now();
  }

  call(call: UpstreamCall): CallHandle {
    const span = this.spans?.child(call) ?? NO_CALL;
    let ended = false;
    const handle: CallHandle = {
      inject: (headers) => span.inject(headers),
      end: (outcome = {}) => {
        if (ended) return;
        ended = true;
        this.open.delete(settle);
        const fact: CallFact = { model: call.model, failed: outcome.error !== undefined };
        if (call.agent) fact.agent = call.agent;
        if (outcome.usage) fact.usage = outcome.usage;
        this.calls.push(fact);
        span.end(call.agent ? outcome : { ...outcome, firstChunkAt: this.firstTokenAt });
      },
    };
    const settle = () =>
      handle.end(call.agent ? { usage: null } : { usage: this.usageFacts, output: this.answer?.text });
    this.open.add(settle);
    return handle;
  }

  watchAnswer(response: Response, contentOf: (chunk: InferenceChunk) => string): Response {
    if (!this.capturesContent || !response.ok || !response.body) return response;
    const answer = new AnswerText(contentOf);
    this.answer = answer;
    return new Response(response.body.pipeThrough(answer.stream()), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  /** Ends what is still open once the answer is over (with the turn's counts for its own call). */
  settle(): void {
    for (const end of [...this.open]) end();
  }

  hook(agent: string, hook: HookName): HookTimer {
    const fact: HookFact = { agent, hook, busyMs: 0, calls: 0, failed: false };
    const span = this.spans?.hook(agent, hook);
    let ended = false;
    const add = (since: number) => {
      fact.busyMs += performance.now() - since;
      fact.calls++;
    };
    const timer: HookTimer = {
      time<T>(work: () => T): T {
        const since = performance.now();
        let out: T;
        try {
          out = work();
        } catch (err) {
          add(since);
          throw err;
        }
        if (out instanceof Promise) {
          return out.finally(() => add(since)) as T;
        }
        add(since);
        return out;
      },
      end: (error) => {
        if (ended) return;
        ended = true;
        this.open.delete(settle);
        fact.failed = error !== undefined;
        this.hooks.push(fact);
        span?.end(fact);
      },
    };
    const settle = () => timer.end();
    this.open.add(settle);
    return timer;
  }
}
