// The fake's mutable model state (installed, loaded, expiry) and the helpers that change it.
import { normalizeName } from "./names.ts";
import type { FakeModel, FakeOllama } from "./types.ts";

export const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;

/** The public handle plus what routes need but tests rarely touch. */
export interface FakeState extends FakeOllama {
  version: string;
  /** Normalised name → expiry (ms since epoch, Infinity = kept forever), for /api/ps. */
  expiries: Map<string, number>;
  /** Normalised name → modification time, so /api/tags is stable between calls. */
  modifiedAt: Map<string, number>;
  startedAt: number;
}

/** keepAliveMs: undefined = the server default, 0 = unload once the request is done. */
export function loadModel(fake: FakeState, name: string, keepAliveMs: number | undefined): void {
  const key = normalizeName(name);
  fake.loaded.add(key);
  const ms = keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  fake.expiries.set(key, Date.now() + ms);
}

export function unloadModel(fake: FakeState, name: string): void {
  const key = normalizeName(name);
  fake.loaded.delete(key);
  fake.expiries.delete(key);
}

/** Installs or replaces a model, stamping its modification time. */
export function installModel(fake: FakeState, model: FakeModel): void {
  const key = normalizeName(model.name);
  const at = fake.models.findIndex((m) => normalizeName(m.name) === key);
  const entry = { ...model, name: key, capabilities: [...model.capabilities] };
  if (at === -1) fake.models.push(entry);
  else fake.models[at] = entry;
  fake.modifiedAt.set(key, Date.now());
}

export function removeModel(fake: FakeState, name: string): void {
  const key = normalizeName(name);
  // In place, so a test holding fake.models sees the change.
  const at = fake.models.findIndex((m) => normalizeName(m.name) === key);
  if (at !== -1) fake.models.splice(at, 1);
  fake.modifiedAt.delete(key);
}

/** Installed models without a stamp pretend they were pulled a few days before the fake started. */
export function modifiedAtOf(fake: FakeState, name: string): number {
  const key = normalizeName(name);
  const index = fake.models.findIndex((m) => normalizeName(m.name) === key);
  return fake.modifiedAt.get(key) ?? fake.startedAt - (index + 1) * 86_400_000;
}
