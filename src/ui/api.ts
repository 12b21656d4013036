// How the dashboard reaches the proxy: the base path read from its own address, a bearer token kept in the tab's session.
export const basePath = location.pathname.replace(/\/ui\/?$/, "");

const TOKEN_KEY = "ollama-smart-proxy.token";

/** A key entered once per tab (AUTH=keys): sent as a bearer token, never put in a URL. */
export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Fired when the proxy answers 401: the shell asks for a key. */
export const authEvents = new EventTarget();

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = token.get();
  if (key) headers.set("authorization", `Bearer ${key}`);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  // Its reads are polls, logged by the proxy at debug (src/middleware/dashboard-read.ts); actions stay at info.
  if ((init.method ?? "GET") === "GET") headers.set("x-dashboard", "1");
  const res = await fetch(`${basePath}${path}`, { ...init, headers });
  if (res.status === 401) authEvents.dispatchEvent(new Event("needed"));
  return res;
}

/** The message of an error body in any of the proxy's dialects. */
export async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let message = text || res.statusText || `HTTP ${res.status}`;
  try {
    const body = JSON.parse(text) as { error?: string | { message?: string } };
    const e = body.error;
    if (typeof e === "string") message = e;
    else if (e?.message) message = e.message;
  } catch {
    // not JSON: the text itself
  }
  return new ApiError(res.status, message);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await api(path, { signal });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export async function send(method: string, path: string, body: unknown, signal?: AbortSignal) {
  const res = await api(path, { method, body: JSON.stringify(body), signal });
  if (!res.ok) throw await errorOf(res);
  return res;
}

/** Parsed NDJSON lines of a streamed answer; a line with `error` throws, as Ollama's client does. */
export async function* ndjson<T>(res: Response): AsyncGenerator<T> {
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) yield parseLine<T>(line);
      nl = buffered.indexOf("\n");
    }
  }
  if (buffered.trim()) yield parseLine<T>(buffered.trim());
}

function parseLine<T>(line: string): T {
  const value = JSON.parse(line) as T & { error?: string };
  if (typeof value.error === "string") throw new ApiError(200, value.error);
  return value;
}
