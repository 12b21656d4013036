// GET /ui: the dashboard, a static page that talks to the proxy's own API from the browser.
import { Hono } from "hono";
import { ollamaErrors } from "../../http/error-handler.ts";
import type { RunningRequests } from "../../middleware/running-requests.ts";
import type { AppEnv } from "../../types.ts";
import { loadUiBundle, type UiBundle, type UiFile } from "./bundle.ts";
import type { CaptureStore } from "./captures.ts";

export interface UiRoutesDeps {
  /** The proxy's base path ("" or "/prefix"): asset references in the page carry it. */
  basePath: string;
  /** Requests running now, for Cancel; absent: the route answers that nothing can be cancelled. */
  running?: RunningRequests;
  /** Request and response bodies kept when CAPTURE_BODIES is on. */
  captures?: CaptureStore;
}

/**
 * Nothing but the page's own files may load or run (no CDN, no inline script), and no other site
 * may frame it: the page's buttons pull and delete models.
 */
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

export function createUiRoutes(deps: UiRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Built on the first visit, not at start-up: a proxy nobody opens in a browser pays nothing.
  let bundle: Promise<UiBundle> | null = null;
  const load = () => {
    bundle ??= loadUiBundle(`${deps.basePath}/ui/assets/`);
    bundle.catch(() => {
      bundle = null;
    });
    return bundle;
  };

  const send = (file: UiFile, req: Request, cache: string) => {
    const headers = { ...PAGE_HEADERS, "content-type": file.type, etag: file.etag, "cache-control": cache };
    if (req.headers.get("if-none-match") === file.etag) return new Response(null, { status: 304, headers });
    return new Response(file.body, { headers });
  };

  app.get("/ui", async (c) => send((await load()).index, c.req.raw, "no-cache"));
  app.get("/ui/", async (c) => send((await load()).index, c.req.raw, "no-cache"));
  app.get("/ui/assets/:name", async (c) => {
    const file = (await load()).assets.get(c.req.param("name"));
    if (!file) return c.json({ error: "no such dashboard file" }, 404);
    // Names carry a content hash: a new build has new names.
    return send(file, c.req.raw, "public, max-age=31536000, immutable");
  });
  // An action like the API's own: a POST, so another site's page cannot make it (the Origin rules);
  // with AUTH=keys it needs an admin key (src/auth/routes-policy.ts).
  app.post("/ui/requests/:id/cancel", (c) => {
    const id = c.req.param("id");
    if (!deps.running?.cancel(id, "from the dashboard"))
      return c.json({ error: `no request ${id} is running (it may have ended)` }, 404);
    return c.json({ cancelled: id });
  });
  // Bodies may be private: with AUTH=keys, admin keys only (src/auth/routes-policy.ts).
  // What is kept for one request: 200 either way (the page asks for every row it opens; a 404
  // would be a console error each time), `capture` null when there is none.
  app.get("/ui/captures/:id", (c) => {
    const store = deps.captures;
    return c.json({
      enabled: store?.limits().enabled ?? false,
      capture: store?.get(c.req.param("id")) ?? null,
    });
  });
  app.onError(ollamaErrors);
  return app;
}
