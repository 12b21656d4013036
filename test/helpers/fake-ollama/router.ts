// Ollama's route table and gin's routing rules: 404/405 plain text, trailing-slash redirects.
import type { Handler } from "./context.ts";
import { handleV1Messages } from "./routes/anthropic-messages.ts";
import { handleBlobHead, handleBlobUpload } from "./routes/blobs.ts";
import { handleChat } from "./routes/chat.ts";
import { handleEmbed, handleEmbeddings } from "./routes/embed.ts";
import { handleGenerate } from "./routes/generate.ts";
import { handleCopy, handleDelete } from "./routes/manage.ts";
import * as misc from "./routes/misc.ts";
import { handlePs, handleShow, handleTags } from "./routes/models.ts";
import { handleV1Chat } from "./routes/openai-chat.ts";
import { handleV1Model, handleV1Models, handleV1NotEmulated } from "./routes/openai-models.ts";
import { handleV1Responses } from "./routes/openai-responses.ts";
import { handlePull } from "./routes/pull.ts";
import { handleCreate, handlePush } from "./routes/push-create.ts";

type Methods = Partial<Record<string, Handler>>;

const ROUTES: ReadonlyArray<readonly [string, Methods]> = [
  ["/", { GET: misc.handleRoot, HEAD: misc.handleRoot }],
  ["/api/version", { GET: misc.handleVersion, HEAD: misc.handleVersion }],
  ["/api/status", { GET: misc.handleStatus }],
  ["/api/pull", { POST: handlePull }],
  ["/api/push", { POST: handlePush }],
  ["/api/tags", { GET: handleTags, HEAD: handleTags }],
  ["/api/show", { POST: handleShow }],
  ["/api/delete", { DELETE: handleDelete }],
  ["/api/me", { POST: misc.handleUnauthorized }],
  ["/api/signout", { POST: misc.handleSignout }],
  ["/api/user/keys/:encodedKey", { DELETE: misc.handleSignout }],
  ["/api/create", { POST: handleCreate }],
  ["/api/blobs/:digest", { POST: handleBlobUpload, HEAD: handleBlobHead }],
  ["/api/copy", { POST: handleCopy }],
  ["/api/experimental/web_search", { POST: misc.handleUnauthorized }],
  ["/api/experimental/web_fetch", { POST: misc.handleUnauthorized }],
  ["/api/experimental/model-recommendations", { GET: misc.handleRecommendations }],
  ["/api/ps", { GET: handlePs }],
  ["/api/generate", { POST: handleGenerate }],
  ["/api/chat", { POST: handleChat }],
  ["/api/embed", { POST: handleEmbed }],
  ["/api/embeddings", { POST: handleEmbeddings }],
  ["/v1/chat/completions", { POST: handleV1Chat }],
  ["/v1/completions", { POST: handleV1NotEmulated }],
  ["/v1/embeddings", { POST: handleV1NotEmulated }],
  ["/v1/models", { GET: handleV1Models }],
  ["/v1/models/:model", { GET: handleV1Model }],
  ["/v1/responses", { POST: handleV1Responses }],
  ["/v1/audio/transcriptions", { POST: handleV1NotEmulated }],
  ["/v1/messages", { POST: handleV1Messages }],
];

function match(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = pattern.split("/");
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const seg = segments[i] ?? "";
    if (part.startsWith(":")) {
      if (!seg) return null;
      params[part.slice(1)] = seg;
    } else if (part !== seg) {
      return null;
    }
  }
  return params;
}

export type Routed =
  | { kind: "handler"; handler: Handler; params: Record<string, string> }
  | { kind: "redirect"; status: number; location: string }
  | { kind: "not-allowed"; allow: string }
  | { kind: "not-found" };

function lookup(path: string): { methods: Methods; params: Record<string, string> } | null {
  const segments = path.split("/");
  for (const [pattern, methods] of ROUTES) {
    const params = match(pattern, segments);
    if (params) return { methods, params };
  }
  return null;
}

export function route(method: string, rawPath: string): Routed {
  // gin routes on the decoded path, so an escaped "/" in /v1/models/a%2Fb still splits segments.
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {}
  const found = lookup(path);
  const handler = found?.methods[method];
  if (found && handler) return { kind: "handler", handler, params: found.params };
  // RedirectTrailingSlash: only when the other spelling exists for this very method.
  const other = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
  if (path !== "/" && lookup(other)?.methods[method]) {
    return { kind: "redirect", status: method === "GET" ? 301 : 307, location: other };
  }
  if (found) return { kind: "not-allowed", allow: Object.keys(found.methods).join(", ") };
  return { kind: "not-found" };
}
