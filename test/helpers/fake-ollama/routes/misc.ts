// Liveness, version, status, and the cloud/sign-in routes that answer without ollama.com.
import type { Ctx } from "../context.ts";
import { jsonOk, ollamaError, plainText } from "../http.ts";

export function handleRoot(): Response {
  return plainText(200, "Ollama is running", "text/plain; charset=utf-8");
}

export function handleVersion(ctx: Ctx): Response {
  return jsonOk({ version: ctx.fake.version });
}

export function handleStatus(): Response {
  return jsonOk({ cloud: { disabled: false, source: "none" } });
}

/** Not signed in: what a local Ollama answers for whoami and cloud-only features. */
export function handleUnauthorized(): Response {
  const signin = "https://ollama.com/connect?name=fake-ollama&key=ZmFrZQ";
  return new Response(JSON.stringify({ error: "unauthorized", signin_url: signin }), {
    status: 401,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

export function handleSignout(): Response {
  return jsonOk(null);
}

export function handleRecommendations(): Response {
  return jsonOk({ recommendations: [] });
}

export function handleNotEmulated(ctx: Ctx): Response {
  return ollamaError(501, `fake-ollama does not emulate ${ctx.url.pathname}`);
}
