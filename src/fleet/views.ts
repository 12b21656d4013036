// The fleet seen as one Ollama: /api/tags and /api/ps as unions (each entry naming its servers),
// /api/version as the lowest version. A server that does not answer is left out; none = the error.
import { modelKey } from "../models/names.ts";
import type { PsResponse, RunningModel, TagEntry, TagsResponse } from "../wire/ollama.ts";
import type { Fleet } from "./fleet.ts";
import type { Member } from "./member.ts";

const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

async function fromEach<T>(
  fleet: Fleet,
  path: string,
  signal: AbortSignal | undefined,
): Promise<Array<[Member, T]>> {
  const members = fleet.members().filter((m) => !m.removed);
  const settled = await Promise.allSettled(members.map((m) => m.client.json<T>(path, { signal })));
  const out: Array<[Member, T]> = [];
  let firstError: unknown = null;
  settled.forEach((s, i) => {
    const m = members[i] as Member;
    if (s.status === "fulfilled") out.push([m, s.value]);
    else {
      firstError ??= s.reason;
      m.breaker.failure(Date.now());
    }
  });
  if (!out.length && firstError) throw firstError;
  return out;
}

/** One entry per model name (the first server's), with `upstreams` listing every server that has it. */
export async function mergedTags(fleet: Fleet, signal?: AbortSignal): Promise<TagsResponse> {
  const byKey = new Map<string, TagEntry & { upstreams: string[] }>();
  for (const [member, tags] of await fromEach<TagsResponse>(fleet, "/api/tags", signal)) {
    const models = tags?.models ?? [];
    member.models = new Map(
      models.filter((m) => typeof m?.name === "string").map((m) => [modelKey(m.name), m]),
    );
    for (const entry of models) {
      if (typeof entry?.name !== "string") continue;
      const key = modelKey(entry.name);
      const seen = byKey.get(key);
      if (seen) seen.upstreams.push(member.name);
      else byKey.set(key, { ...entry, upstreams: [member.name] });
    }
  }
  return { models: [...byKey.values()] };
}

/** Every loaded model of every server, each with `upstream` naming where it runs. */
export async function mergedPs(fleet: Fleet, signal?: AbortSignal): Promise<PsResponse> {
  const models: RunningModel[] = [];
  for (const [member, ps] of await fromEach<PsResponse>(fleet, "/api/ps", signal)) {
    const running = ps?.models ?? [];
    member.loaded = new Map(
      running.filter((m) => typeof m?.name === "string").map((m) => [modelKey(m.name), m]),
    );
    for (const entry of running) models.push({ ...entry, upstream: member.name });
  }
  return { models };
}

/** The lowest version in the fleet: what every server can be relied on to support. */
export async function lowestVersion(fleet: Fleet, signal?: AbortSignal): Promise<{ version: string }> {
  let lowest: string | null = null;
  for (const [member, v] of await fromEach<{ version?: unknown }>(fleet, "/api/version", signal)) {
    if (typeof v?.version !== "string") continue;
    member.version = v.version;
    if (lowest === null || compareVersions(v.version, lowest) < 0) lowest = v.version;
  }
  return { version: lowest ?? "0.0.0" };
}

/** Numeric parts compared in order (0.12.6 < 0.13.0); a pre-release suffix sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, "").split(/[.-]/);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return y !== undefined && /^\d+$/.test(y) ? -1 : 1;
    if (y === undefined) return /^\d+$/.test(x) ? 1 : -1;
    const nx = Number(x);
    const ny = Number(y);
    if (Number.isFinite(nx) && Number.isFinite(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function jsonResponse(value: unknown, upstreams: string): Response {
  return new Response(JSON.stringify(value), { headers: { ...JSON_TYPE, "x-upstream": upstreams } });
}
