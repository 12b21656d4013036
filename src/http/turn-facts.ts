// What every chat dialect's route takes from the request for the pipeline, and reports back from it.
import type { Context } from "hono";
import type { TurnInput, TurnResult } from "../pipeline/turn.ts";
import type { AppEnv } from "../types.ts";
import { requestSignal } from "./request-body.ts";

/** The request-bound part of a TurnInput: headers passed upstream, the abort signal, the logger, the probe, the key's access, where the fleet's choice goes. */
export function requestParts(
  c: Context<AppEnv>,
): Pick<TurnInput, "headers" | "signal" | "logger" | "probe" | "access" | "onUpstream"> {
  const scope = c.get("request");
  return {
    headers: c.req.raw.headers,
    signal: requestSignal(c),
    logger: scope.logger,
    probe: scope.probe,
    access: c.get("access"),
    onUpstream: (name) => c.set("upstream", name),
  };
}

/** The model and agent chain of a turn, for the access line and the X-Agent-Chain header; once. */
export function reportTurn(c: Context<AppEnv>, turn: TurnResult): void {
  c.set("model", turn.model);
  if (turn.requested !== undefined) c.set("requestedModel", turn.requested);
  if (turn.agents.length) c.set("agents", turn.agents);
}
