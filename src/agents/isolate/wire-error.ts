// Errors across the thread boundary: what the agent threw keeps its message, status and origin.
import { ProxyError } from "../../errors.ts";
import type { WireError } from "./protocol.ts";

export function toWire(err: unknown): WireError {
  if (err instanceof ProxyError) {
    return { message: err.message, name: err.name, status: err.status, origin: err.origin, proxy: true };
  }
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    return { message: err.message, name: err.name, ...(typeof status === "number" ? { status } : {}) };
  }
  const status = (err as { status?: unknown } | null)?.status;
  return { message: String(err), ...(typeof status === "number" ? { status } : {}) };
}

/** The error again on this side: a ProxyError stays one; any other keeps its name and `status`. */
export function fromWire(wire: WireError): Error {
  if (wire.proxy && typeof wire.status === "number") {
    return new ProxyError(wire.status, wire.message, wire.origin ?? "proxy");
  }
  const err = new Error(wire.message);
  if (wire.name && wire.name !== "Error") err.name = wire.name;
  return typeof wire.status === "number" ? Object.assign(err, { status: wire.status }) : err;
}

/** A plain-data copy (JSON): functions become "[function]", anything that cannot be copied its text. */
export function plainCopy(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "function" ? "[function]" : v)));
  } catch {
    return String(value);
  }
}
