// Model-name rules as Ollama applies them: default tag, fully-qualified names, namespaces, digests.
import type { FakeModel } from "./types.ts";

const DEFAULT_HOST = "registry.ollama.ai";
const DEFAULT_NAMESPACE = "library";

/** "llama3.2" → "llama3.2:latest"; the default registry prefix is dropped like Ollama's display name. */
export function normalizeName(name: string): string {
  let n = name.trim();
  for (const prefix of [`${DEFAULT_HOST}/${DEFAULT_NAMESPACE}/`, `${DEFAULT_HOST}/`]) {
    if (n.startsWith(prefix)) n = n.slice(prefix.length);
  }
  if (n.startsWith(`${DEFAULT_NAMESPACE}/`)) n = n.slice(DEFAULT_NAMESPACE.length + 1);
  const lastSegment = n.slice(n.lastIndexOf("/") + 1);
  return lastSegment.includes(":") ? n : `${n}:latest`;
}

/** Ollama's model.Name.String(): host/namespace/model:tag, used in capability errors. */
export function fullName(name: string): string {
  const parts = normalizeName(name).split("/");
  if (parts.length === 1) return `${DEFAULT_HOST}/${DEFAULT_NAMESPACE}/${parts[0]}`;
  if (parts.length === 2) return `${DEFAULT_HOST}/${parts.join("/")}`;
  return parts.join("/");
}

/** The namespace /v1/models reports as owned_by. */
export function namespaceOf(name: string): string {
  const parts = fullName(name).split("/");
  return parts[1] ?? DEFAULT_NAMESPACE;
}

/** Loose validity check standing in for model.ParseName(...).IsValid(). */
export function isValidName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.\-/:]*$/.test(name.trim()) && !name.includes("//");
}

export function findModel(models: readonly FakeModel[], name: string): FakeModel | undefined {
  const wanted = normalizeName(name);
  return models.find((m) => normalizeName(m.name) === wanted);
}

export function sha256Hex(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

/** Stable manifest digest per model name, so /api/tags and /api/ps agree across calls. */
export function modelDigest(name: string): string {
  return sha256Hex(`manifest:${normalizeName(name)}`);
}
