// Forwarded model management in a fleet of several: show and push from a server that has the model,
// delete and copy on every server that has it, blobs and the create using them on one server.
import type { Logger } from "../log.ts";
import { parseJson } from "../wire/json-depth.ts";
import type { Fleet } from "./fleet.ts";
import type { Placement } from "./manage.ts";
import type { Member } from "./member.ts";

export interface ManagedDeps {
  fleet: Fleet;
  placement: Placement;
  logger: Logger;
}

export function parseBody(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = parseJson(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

export async function forwardManaged(
  deps: ManagedDeps,
  req: Request,
  pathAndQuery: string,
): Promise<Response> {
  const { placement } = deps;
  const url = new URL(pathAndQuery, "http://fleet");
  const chosen = url.searchParams.get("upstream");
  url.searchParams.delete("upstream");
  const target = url.pathname + url.search;
  const path = url.pathname;
  const method = req.method.toUpperCase();
  const one = chosen ? placement.named(chosen) : null;

  if (path.startsWith("/api/blobs/")) {
    const digest = decodeURIComponent(path.slice("/api/blobs/".length));
    const member = one ?? placement.pinned(digest) ?? placement.forPull(null);
    // Pinned at once: the upload after a HEAD, and the create after the upload, find the same server.
    placement.pin(digest, member);
    return send(member, req, target);
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  const text = hasBody ? await req.text() : "";
  const body = hasBody ? parseBody(text) : null;
  const rebuilt = () =>
    new Request(req.url, { method, headers: req.headers, body: hasBody ? text : null, signal: req.signal });
  const model = str(body?.model) || str(body?.name);

  if (path === "/api/create" && method === "POST") {
    const member = one ?? placement.forCreate(body);
    deps.logger.info("create placed", { model, upstream: member.name });
    return placement.refreshAfter(await send(member, rebuilt(), target), member);
  }
  if ((path === "/api/show" || path === "/api/push") && method === "POST")
    return send(one ?? placement.holder(model), rebuilt(), target);
  if ((path === "/api/delete" && method === "DELETE") || (path === "/api/copy" && method === "POST")) {
    const name = path === "/api/copy" ? str(body?.source) : model;
    const holders = one ? [one] : placement.holders(name);
    return fanOut(deps, holders.length ? holders : [placement.leastLoaded()], rebuilt, target);
  }
  return send(one ?? placement.leastLoaded(), hasBody ? rebuilt() : req, target);
}

async function send(member: Member, req: Request, target: string): Promise<Response> {
  const res = await member.client.forward(req, target);
  res.headers.set("x-upstream", member.name);
  return res;
}

/** The same change on each server: success when any server made it; else the first server's answer. */
async function fanOut(
  deps: ManagedDeps,
  members: Member[],
  rebuilt: () => Request,
  target: string,
): Promise<Response> {
  const settled = await Promise.allSettled(members.map((m) => m.client.forward(rebuilt(), target)));
  const ok: Array<[Member, Response]> = [];
  let failed: Response | null = null;
  let error: unknown = null;
  settled.forEach((s, i) => {
    const m = members[i] as Member;
    void deps.fleet.refresh(m);
    if (s.status === "rejected") error ??= s.reason;
    else if (s.value.ok) ok.push([m, s.value]);
    else if (!failed) failed = s.value;
    else void s.value.body?.cancel();
  });
  const first = ok[0];
  if (first) {
    for (const [, res] of ok.slice(1)) void res.body?.cancel();
    first[1].headers.set("x-upstream", ok.map(([m]) => m.name).join(","));
    return first[1];
  }
  if (failed) return failed;
  throw error;
}
