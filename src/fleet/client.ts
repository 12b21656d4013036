// The fleet behind the UpstreamClient interface the rest of the proxy already uses: inference is
// routed (warm-first, failover), model lists are merged, model management goes where it belongs.
// A fleet of one sends everything to its one server as before.
import type { Config } from "../config/index.ts";
import type { Logger } from "../log.ts";
import type { WarmTarget } from "../models/index.ts";
import { callJson, type RouteHint, type UpstreamCallInit, type UpstreamClient } from "../upstream/client.ts";
import { Affinity } from "./affinity.ts";
import type { Fleet } from "./fleet.ts";
import { forwardManaged, parseBody } from "./forward-managed.ts";
import { Placement } from "./manage.ts";
import type { Member } from "./member.ts";
import { type RouteDeps, routed } from "./routed.ts";
import { jsonResponse, lowestVersion, mergedPs, mergedTags } from "./views.ts";
import { warmTargets } from "./warm-targets.ts";

const INFERENCE = new Set(["/api/chat", "/api/generate", "/api/embed", "/api/embeddings"]);
const VIEWS: Record<string, (fleet: Fleet, signal?: AbortSignal) => Promise<unknown>> = {
  "/api/tags": mergedTags,
  "/api/ps": mergedPs,
  "/api/version": lowestVersion,
};

export interface FleetClientDeps {
  fleet: Fleet;
  current: () => Config;
  logger: Logger;
}

export interface FleetClient extends UpstreamClient {
  readonly placement: Placement;
  /** Warm-ups load a model on each of these: every healthy server listing it (none in a fleet of one). */
  warmTargets(model: string): WarmTarget[];
}

export function createFleetClient(deps: FleetClientDeps): FleetClient {
  const { fleet } = deps;
  const routeDeps: RouteDeps = { ...deps, affinity: new Affinity() };
  const placement = new Placement(fleet, () => deps.current().fleetPullTarget);
  const one = (): Member => fleet.members()[0] as Member;
  const names = () =>
    fleet
      .members()
      .filter((m) => !m.removed)
      .map((m) => m.name)
      .join(",");
  const named = (res: Response, m: Member) => {
    res.headers.set("x-upstream", m.name);
    return res;
  };

  const client: FleetClient = {
    placement,
    warmTargets: (model) => warmTargets(fleet, model),
    // Only with several servers: a fleet of one is named by its baseUrl already.
    urlOf: (name) => (fleet.many ? fleet.byName(name)?.client.baseUrl : undefined),
    get baseUrl() {
      return fleet.many ? `fleet ${names()}` : one().client.baseUrl;
    },
    get host() {
      return one().client.host;
    },
    maxLineBytes: deps.current().maxLineMb * 2 ** 20,

    async call(pathAndQuery, init: UpstreamCallInit = {}) {
      const path = pathOf(pathAndQuery);
      const method = (init.method ?? "GET").toUpperCase();
      if (method === "POST" && INFERENCE.has(path)) {
        const hint: RouteHint = init.route ?? { model: fleet.many ? modelOf(init.body) : "" };
        const resendable =
          init.body == null || typeof init.body === "string" || init.body instanceof Uint8Array;
        return routed(
          routeDeps,
          hint,
          init.signal,
          (m, signal) => m.client.call(pathAndQuery, { ...init, signal }),
          resendable,
        );
      }
      if (!fleet.many) return named(await one().client.call(pathAndQuery, init), one());
      const view = method === "GET" ? VIEWS[path] : undefined;
      if (view) return jsonResponse(await view(fleet, init.signal), names());
      if (method === "POST" && path === "/api/pull" && typeof init.body === "string") {
        const body = parseBody(init.body) ?? {};
        const { upstream, ...rest } = body;
        const member = placement.forPull(typeof upstream === "string" ? upstream : null);
        const model = String(rest.model ?? rest.name ?? "");
        deps.logger.info("pull placed", { model, upstream: member.name });
        const res = named(
          await member.client.call(pathAndQuery, { ...init, body: JSON.stringify(rest) }),
          member,
        );
        return res.ok ? placement.refreshAfter(res, member, () => member.noteInstalled(model)) : res;
      }
      const member = placement.leastLoaded();
      return named(await member.client.call(pathAndQuery, init), member);
    },

    async forward(req, pathAndQuery) {
      const path = pathOf(pathAndQuery);
      const method = req.method.toUpperCase();
      if (method === "POST" && INFERENCE.has(path)) {
        if (!fleet.many) {
          const send = (m: Member, signal?: AbortSignal) =>
            m.client.forward(
              signal && signal !== req.signal ? new Request(req, { signal }) : req,
              pathAndQuery,
            );
          return routed(routeDeps, { model: "" }, req.signal, send, false);
        }
        const text = await req.text();
        const send = (m: Member, signal?: AbortSignal) =>
          m.client.forward(
            new Request(req.url, { method, headers: req.headers, body: text, signal: signal ?? req.signal }),
            pathAndQuery,
          );
        return routed(routeDeps, { model: modelOf(text) }, req.signal, send, true);
      }
      if (!fleet.many) return named(await one().client.forward(req, pathAndQuery), one());
      const view = method === "GET" || method === "HEAD" ? VIEWS[path] : undefined;
      if (view) return jsonResponse(await view(fleet, req.signal), names());
      return forwardManaged({ fleet, placement, logger: deps.logger }, req, pathAndQuery);
    },

    json: (pathAndQuery, init) => callJson(client, pathAndQuery, init),
  };
  return client;
}

function pathOf(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf("?");
  return q === -1 ? pathAndQuery : pathAndQuery.slice(0, q);
}

/** The model a small JSON body names (agents' and warm-up calls); "" when it names none. */
function modelOf(body: unknown): string {
  if (typeof body !== "string") return "";
  const parsed = parseBody(body);
  const model = parsed?.model ?? parsed?.name;
  return typeof model === "string" ? model : "";
}
