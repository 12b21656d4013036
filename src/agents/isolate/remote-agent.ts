// An agent whose hooks run in its worker: the definition the chain machinery calls is made of
// stand-ins that send each call to the host and return (or stream) what the worker answers.
import { BATCH } from "../batch.ts";
import { deepFreeze } from "../deep-freeze.ts";
import type { AgentHealth, LoadedAgent } from "../snapshot.ts";
import type {
  AgentContext,
  AgentDefinition,
  AgentRequest,
  AnswerPiece,
  ResponseTransform,
} from "../types.ts";
import type { AgentHost } from "./host.ts";
import { Inbox, STREAM_WINDOW } from "./inbox.ts";
import { HostSession, type OkReply, type RunEvent, replyValue } from "./sessions.ts";

export interface RemoteAgentInit {
  host: AgentHost;
  /** The validated definition as data (see report-shape.ts): manifest, settings, which hooks exist. */
  shape: AgentDefinition;
  file: string;
  loadedAt: string;
  loadMs: number;
  settings: Readonly<Record<string, unknown>>;
}

/** A LoadedAgent that also says how its worker is doing (for /plugins and /health). */
export interface IsolatedAgent extends LoadedAgent {
  health(): AgentHealth;
}

/** A response the pipeline dropped without flushing (the stream failed) closes its worker session. */
const dropped = new FinalizationRegistry<{ host: AgentHost; session: HostSession }>(({ host, session }) =>
  host.calls.close(session),
);

const value = replyValue;

export function remoteAgent(init: RemoteAgentInit): IsolatedAgent {
  const { host, shape } = init;
  // Each operation is bounded by the agent timeout (a batch by one timeout per piece); a takeover is
  // bounded by the request's abort signal only, as in the proxy itself.
  const limit = (pieces = 1) => host.timeoutMs * pieces;
  const definition: AgentDefinition = { manifest: deepFreeze(shape.manifest) };
  if (shape.settings) definition.settings = shape.settings;
  if (shape.onRequest) {
    definition.onRequest = (request: AgentRequest, ctx: AgentContext) => {
      const session = new HostSession(ctx, { hook: "onRequest", args: ctx.args, input: ctx.input, request });
      return host.operate(session, { t: "request" }, limit()).then(value) as Promise<AgentRequest>;
    };
  }
  if (shape.transformResponse) {
    definition.transformResponse = (ctx) => {
      const { request, ...rest } = ctx;
      const session = new HostSession(rest, {
        hook: "transformResponse",
        args: ctx.args,
        input: ctx.input,
        request,
      });
      const transform: ResponseTransform & { [BATCH](texts: string[]): Promise<unknown[]> } = {
        chunk: (text) => host.operate(session, { t: "chunk", text }, limit()).then(value) as Promise<string>,
        flush: () => {
          dropped.unregister(transform);
          return host.operate(session, { t: "flush" }, limit()).then(value) as Promise<string>;
        },
        [BATCH]: (texts) =>
          texts.length === 1
            ? host.operate(session, { t: "chunk", text: texts[0] as string }, limit()).then((r) => [value(r)])
            : host
                .operate(session, { t: "chunks", texts: JSON.stringify(texts) }, limit(texts.length))
                .then(value as (r: OkReply) => unknown[]),
      };
      dropped.register(transform, { host, session }, transform);
      return transform;
    };
  }
  if (shape.run) {
    definition.run = (request, ctx) =>
      takeover(host, new HostSession(ctx, { hook: "run", args: ctx.args, input: ctx.input, request }));
  }
  return Object.freeze({
    name: shape.manifest.name,
    definition: Object.freeze(definition),
    file: init.file,
    loadedAt: init.loadedAt,
    loadMs: init.loadMs,
    settings: init.settings,
    health: () => host.health(),
  });
}

async function* takeover(host: AgentHost, session: HostSession): AsyncGenerator<string | AnswerPiece> {
  const inbox = new Inbox<RunEvent>();
  session.inbox = inbox;
  let finished = false;
  let read = 0;
  try {
    await host.run(session);
    // The worker sends pieces as the agent yields them, a window ahead; credit goes back in halves.
    for (;;) {
      const event = await inbox.next();
      if ("end" in event) {
        finished = true;
        return;
      }
      if ("error" in event) {
        finished = true;
        throw event.error;
      }
      if (++read >= STREAM_WINDOW / 2) {
        host.calls.credit(session, read);
        read = 0;
      }
      yield event.piece as string | AnswerPiece;
    }
  } finally {
    // Stopped early (client gone, a later stage failed): the agent's generator is returned too.
    if (!finished) host.calls.close(session);
  }
}
