// Checks what a worker reported about its module with the same rules as any agent definition.
import type { AgentDefinition } from "../types.ts";
import { claimedName, HOOKS, validateDefinition } from "../validate.ts";
import type { LoadReport } from "./protocol.ts";

export type ReportCheck =
  | { ok: true; definition: AgentDefinition }
  | { ok: false; error: string; name: string | null };

/** Stands in for a hook that is a function in the worker: the proxy never calls it. */
const inWorker = () => undefined;

/** The definition as data, hooks as placeholders; the messages match an in-process validation's. */
export function checkReport(report: LoadReport): ReportCheck {
  const shape = shapeOf(report);
  const checked = validateDefinition(shape);
  if (checked.ok) return checked;
  return { ok: false, error: checked.error, name: claimedName(shape) };
}

function shapeOf(report: LoadReport): unknown {
  if (report.exported === "none") return undefined;
  if (report.exported === "other") return report.other;
  const shape: Record<string, unknown> = { manifest: report.manifest };
  if (report.settings !== undefined) shape.settings = report.settings;
  for (const hook of HOOKS) {
    const type = report.hooks[hook];
    // A hook that is not a function keeps its type name, so validation names what is wrong.
    if (type === "function") shape[hook] = inWorker;
    else if (type !== "undefined") shape[hook] = type;
  }
  return shape;
}
