// HEAD/POST /api/blobs/:digest: existence check, and uploads hashed as they stream in.
import type { Ctx } from "../context.ts";
import { emptyResponse, ollamaError } from "../http.ts";

const DIGEST = /^sha256[:-]([0-9a-fA-F]{64})$/;

/** Ollama accepts "sha256:<hex>" and "sha256-<hex>"; the store keys on the colon form. */
function parseDigest(raw: string): string | null {
  const hex = DIGEST.exec(raw)?.[1];
  return hex ? `sha256:${hex.toLowerCase()}` : null;
}

export function handleBlobHead(ctx: Ctx): Response {
  const raw = ctx.params.digest ?? "";
  const digest = parseDigest(raw);
  if (!digest) return ollamaError(400, "invalid digest format");
  if (ctx.fake.blobs.has(digest)) return emptyResponse(200);
  // Bun drops the body of a HEAD response; the headers still say JSON, like gin.
  return ollamaError(404, `blob ${JSON.stringify(raw)} not found`);
}

export async function handleBlobUpload(ctx: Ctx): Promise<Response> {
  const raw = ctx.params.digest ?? "";
  const digest = parseDigest(raw);
  if (!digest) return ollamaError(400, "invalid digest format");
  // Like Ollama, an existing blob is acknowledged without reading the upload.
  if (ctx.fake.blobs.has(digest)) {
    ctx.life.rec.body = { bytes: 0 };
    return emptyResponse(200);
  }
  const hasher = new Bun.CryptoHasher("sha256");
  let bytes = 0;
  // Hash chunk by chunk: uploads can be gigabytes and must never sit in memory whole.
  if (ctx.req.body) {
    for await (const chunk of ctx.req.body) {
      hasher.update(chunk);
      bytes += chunk.byteLength;
    }
  }
  ctx.life.rec.body = { bytes };
  const got = `sha256:${hasher.digest("hex")}`;
  if (got !== digest)
    return ollamaError(400, `digest mismatch, expected ${JSON.stringify(raw)}, got ${JSON.stringify(got)}`);
  ctx.fake.blobs.add(digest);
  return emptyResponse(201);
}
