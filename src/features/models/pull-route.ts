// POST /api/pull through the single-flight pulls: a client joining a pull in flight gets its progress.
import type { Context } from "hono";
import { bodyText, requestSignal } from "../../http/request-body.ts";
import { invalidModelName, isValidModelName, type ModelCore } from "../../models/index.ts";
import type { PullOutcome } from "../../models/pull-job.ts";
import type { PullLease } from "../../models/pull-manager.ts";
import { ndjsonLine } from "../../streams/ndjson.ts";
import type { AppEnv } from "../../types.ts";
import { clientHeadersForUpstream } from "../../upstream/headers.ts";
import type { PullLine } from "../../wire/ollama.ts";
import { type ForwardOptions, forwardWithBody, namedModel, parseObject } from "./forward.ts";

type Next = { line: PullLine } | { outcome: PullOutcome };

/** Ollama's `stream:false` pull answers carry `application/json` without a charset. */
function jsonResponse(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

function failureOf(outcome: PullOutcome): { message: string; status: number } | null {
  if (outcome.ok) return null;
  return { message: outcome.message, status: outcome.cancelled ? 503 : outcome.status };
}

/** Replays what the pull already said (latest line per phase), then follows it live until closed. */
function follow(lease: PullLease) {
  const { job } = lease;
  const queue: PullLine[] = [...job.replay.values()];
  const unsubscribe = job.subscribe((line) => queue.push(line));
  const closing = Promise.withResolvers<void>();
  let closed = false;
  /** null once closed: the client left, and its wait ends at once even if the pull stays quiet. */
  const next = async (): Promise<Next | null> => {
    for (;;) {
      if (closed) return null;
      const line = queue.shift();
      if (line) return { line };
      if (job.outcome) return { outcome: job.outcome };
      await Promise.race([job.changed(), closing.promise]);
    }
  };
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    lease.leave();
    closing.resolve();
  };
  return { next, close };
}

export function createPullHandler(core: ModelCore, opts: ForwardOptions) {
  return async function pullHandler(c: Context<AppEnv>): Promise<Response> {
    const text = await bodyText(c);
    const body = parseObject(text);
    const named = namedModel(body);
    // Bodies Ollama would refuse (no name, bad JSON) get its own answer, word for word.
    if (!body || !named) return forwardWithBody(c, "/api/pull", text, opts);
    // Ollama's answer, given before the name is logged, pulled or kept as a failure.
    if (!isValidModelName(named.name)) throw invalidModelName();
    c.set("model", named.name);
    c.get("access")?.checkModel(named.name);
    const headers = clientHeadersForUpstream(c.req.raw.headers);
    // Explicit pulls are a user's decision: no allow/deny list and no backoff, unlike pulls on demand.
    // A fleet pulls onto the server named by ?upstream= (or the body's `upstream`), else by its policy.
    const onto = new URL(c.req.url).searchParams.get("upstream");
    const feed = follow(
      core.pulls.join(named.name, { body: onto ? { ...body, upstream: onto } : body, headers }),
    );
    const signal = requestSignal(c);
    signal.addEventListener("abort", feed.close, { once: true });
    try {
      const first = await feed.next();
      if (!first) throw new DOMException("The client went away", "AbortError");
      if (body.stream === false) {
        let last: PullLine | null = null;
        for (let item: Next | null = first; ; item = await feed.next()) {
          if (!item) throw new DOMException("The client went away", "AbortError");
          if ("line" in item) last = item.line;
          else {
            const failed = failureOf(item.outcome);
            return failed ? jsonResponse({ error: failed.message }, failed.status) : jsonResponse(last ?? {});
          }
        }
      }
      // Like Ollama, nothing is sent before the first line, so a refusal keeps its status.
      const early = "outcome" in first ? failureOf(first.outcome) : null;
      if (early) return jsonResponse({ error: early.message }, early.status);
      return streamOf(first, feed);
    } finally {
      if (body.stream === false || signal.aborted) feed.close();
    }
  };
}

function streamOf(first: Next, feed: ReturnType<typeof follow>): Response {
  let pending: Next | null = first;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const item = pending ?? (await feed.next());
        pending = null;
        if (!item) return; // cancelled: the controller is closed already
        if ("line" in item) return controller.enqueue(ndjsonLine(item.line));
        const failed = failureOf(item.outcome);
        if (failed) controller.enqueue(ndjsonLine({ error: failed.message }));
        controller.close();
        feed.close();
      },
      cancel() {
        feed.close();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(stream, { headers: { "content-type": "application/x-ndjson" } });
}
