// Where a warm-up loads a model in a fleet: on every healthy server whose list has it, each called
// directly (a warm-up is for that server, never failed over), marking the model loaded there.
import type { WarmTarget } from "../models/index.ts";
import { modelKey } from "../models/names.ts";
import { callJson, type UpstreamClient } from "../upstream/client.ts";
import { isHealthy } from "./choose.ts";
import type { Fleet } from "./fleet.ts";
import type { Member } from "./member.ts";

/** None for a fleet of one: the warm-up goes through the fleet's client as it always did. */
export function warmTargets(fleet: Fleet, model: string): WarmTarget[] {
  if (!fleet.many) return [];
  const key = modelKey(model);
  const now = Date.now();
  return fleet
    .members()
    .filter((m) => !m.removed && m.has(key) === true && isHealthy(m, now))
    .map((m) => ({ name: m.name, upstream: loadingOn(m, model) }));
}

/** A server's own client whose successful calls mark `model` loaded there (routing sees it at once). */
function loadingOn(m: Member, model: string): UpstreamClient {
  const direct: UpstreamClient = {
    baseUrl: m.client.baseUrl,
    host: m.client.host,
    maxLineBytes: m.client.maxLineBytes,
    async call(pathAndQuery, init) {
      const res = await m.client.call(pathAndQuery, init);
      if (res.ok) m.noteLoaded(model);
      return res;
    },
    forward: (req, pathAndQuery) => m.client.forward(req, pathAndQuery),
    json: (pathAndQuery, init) => callJson(direct, pathAndQuery, init),
  };
  return direct;
}
