// Starts the fake: Bun.serve on an ephemeral loopback port, gin-like middleware, recording, reset.
import type { Ctx } from "./context.ts";
import { corsDecision } from "./cors.ts";
import {
  cloneModels,
  cloneRegistry,
  DEFAULT_BEHAVIOUR,
  DEFAULT_MODELS,
  DEFAULT_REGISTRY,
} from "./defaults.ts";
import { hostAllowed, isNamedLocalHost } from "./host-check.ts";
import { emptyResponse, ollamaError, plainText } from "./http.ts";
import { resolveKnobs } from "./knobs.ts";
import { type Lifecycle, Recorder } from "./recorder.ts";
import { route } from "./router.ts";
import type { FakeState } from "./state.ts";
import type { FakeOllama, FakeOllamaOptions } from "./types.ts";

/** Routes that run a model: what OLLAMA_MAX_QUEUE counts. */
const INFERENCE = new Set([
  "/api/chat",
  "/api/generate",
  "/api/embed",
  "/api/embeddings",
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/embeddings",
  "/v1/responses",
  "/v1/messages",
]);

/** Ollama's text for a full queue (two spaces after the period, as Ollama writes it). */
export const SERVER_BUSY = "server busy, please try again.  maximum pending requests exceeded";

function recordedBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface Setup {
  fake: FakeState;
  recorder: Recorder;
  hostCheck: boolean;
  origins: readonly string[];
}

/** Everything between the socket and a route: body capture, CORS, Host check, routing. */
async function dispatch(req: Request, url: URL, life: Lifecycle, s: Setup): Promise<Response> {
  // Blob uploads are streamed by their handler; everything else is small JSON, read up front.
  const isUpload = req.method === "POST" && url.pathname.startsWith("/api/blobs/");
  const bodyText = isUpload ? "" : await req.text();
  life.rec.body = recordedBody(bodyText);
  s.recorder.notify();

  // Same order as Ollama's middlewares: CORS first, then the Host check, then routing.
  const cors = corsDecision(req, s.origins);
  if (cors.kind === "reject") return emptyResponse(403);
  if (cors.kind === "preflight") return new Response(null, { status: 204, headers: cors.headers });
  if (s.hostCheck && !hostAllowed(req.headers.get("host"))) return emptyResponse(403);
  if (s.hostCheck && req.method === "OPTIONS" && isNamedLocalHost(req.headers.get("host"))) {
    return emptyResponse(204);
  }

  const routed = route(req.method, url.pathname);
  let res: Response;
  if (routed.kind === "not-found") res = plainText(404, "404 page not found");
  else if (routed.kind === "not-allowed") {
    res = plainText(405, "405 method not allowed");
    res.headers.set("allow", routed.allow);
  } else if (routed.kind === "redirect") {
    res = new Response(null, {
      status: routed.status,
      headers: { location: `${routed.location}${url.search}` },
    });
  } else {
    const ctx: Ctx = {
      req,
      url,
      fake: s.fake,
      life,
      knobs: resolveKnobs(s.fake.behaviour, req.headers),
      params: routed.params,
      bodyText,
    };
    res = await routed.handler(ctx);
  }
  if (cors.kind === "allow") for (const [k, v] of Object.entries(cors.headers)) res.headers.set(k, v);
  return res;
}

export function startFakeOllama(opts: FakeOllamaOptions = {}): FakeOllama {
  const initial = {
    behaviour: { ...DEFAULT_BEHAVIOUR, ...opts.behaviour },
    models: cloneModels(opts.models ?? DEFAULT_MODELS),
    registry: cloneRegistry(opts.registry ?? DEFAULT_REGISTRY),
  };
  const fake: FakeState = {
    url: "",
    port: 0,
    behaviour: { ...initial.behaviour },
    requests: [],
    models: cloneModels(initial.models),
    loaded: new Set(),
    registry: cloneRegistry(initial.registry),
    blobs: new Set(),
    openRequests: 0,
    peakOpenRequests: 0,
    inferenceInFlight: 0,
    peakInferenceInFlight: 0,
    version: opts.version ?? "0.12.6",
    expiries: new Map(),
    modifiedAt: new Map(),
    startedAt: Date.now(),
    requestsTo: (path) => fake.requests.filter((r) => r.path === path),
    waitForRequest: (pred, timeoutMs) => recorder.waitFor(pred, timeoutMs),
    reset() {
      // In place, so tests (and the server) holding these objects keep seeing the live state.
      fake.requests.length = 0;
      Object.assign(fake.behaviour, initial.behaviour);
      fake.models.splice(0, fake.models.length, ...cloneModels(initial.models));
      fake.registry.splice(0, fake.registry.length, ...cloneRegistry(initial.registry));
      fake.loaded.clear();
      fake.expiries.clear();
      fake.modifiedAt.clear();
      fake.blobs.clear();
      fake.peakOpenRequests = fake.openRequests;
      fake.peakInferenceInFlight = fake.inferenceInFlight;
    },
    stop: async () => {
      await server.stop(true);
    },
  };
  const recorder = new Recorder(fake);
  const setup: Setup = { fake, recorder, hostCheck: opts.hostCheck !== false, origins: opts.origins ?? [] };

  const server = Bun.serve({
    port: opts.port ?? 0,
    hostname: "127.0.0.1",
    // Ollama has no idle timeout and says nothing while a model loads; Bun's default 10 s would cut that.
    idleTimeout: opts.idleTimeout ?? 0,
    // Ollama sets no request-body limit (blobs are gigabytes); Bun's default is 128 MB.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    async fetch(req) {
      const url = new URL(req.url);
      const life = recorder.begin(req, url);
      if (req.method === "POST" && INFERENCE.has(url.pathname)) {
        // Ollama's scheduler takes OLLAMA_MAX_QUEUE requests; the next is refused before any work.
        const max = resolveKnobs(fake.behaviour, req.headers).maxPending;
        if (max !== null && fake.inferenceInFlight >= max) {
          life.finish();
          return ollamaError(503, SERVER_BUSY);
        }
        fake.inferenceInFlight++;
        fake.peakInferenceInFlight = Math.max(fake.peakInferenceInFlight, fake.inferenceInFlight);
        life.ended.push(() => fake.inferenceInFlight--);
      }
      try {
        const res = await dispatch(req, url, life, setup);
        if (!life.streaming) life.finish();
        return res;
      } catch (e) {
        life.finish();
        // A client that vanished mid-body lands here too; nobody reads this answer then.
        return ollamaError(500, e instanceof Error ? e.message : String(e));
      }
    },
  });
  fake.port = server.port ?? 0;
  fake.url = `http://127.0.0.1:${fake.port}`;
  return fake;
}
