// Sends hand-written HTTP bytes over a socket, for requests fetch refuses to make (no Host, CONNECT, bad escapes).
import net from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * Writes `head` (request line and headers, `\r\n`-separated, without the blank line) and `body`, then
 * reads one response. `Connection: close` is added to HTTP/1.1 requests so the server ends the socket.
 */
export function rawRequest(port: number, head: string, body = "", timeoutMs = 5000): Promise<RawResponse> {
  const closing = /HTTP\/1\.1$/m.test(head.split("\r\n")[0] ?? "") ? "\r\nConnection: close" : "";
  const bytes = `${head}${closing}\r\n\r\n${body}`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no complete response to ${JSON.stringify(head.split("\r\n")[0])} in ${timeoutMs} ms`),
      );
    }, timeoutMs);
    socket.on("data", (d) => chunks.push(Buffer.from(d)));
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
  });
}

function parseResponse(bytes: Buffer): RawResponse {
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`no response head in ${JSON.stringify(bytes.toString("utf8", 0, 200))}`);
  const [statusLine = "", ...lines] = bytes.toString("latin1", 0, end).split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let raw = bytes.subarray(end + 4);
  if (headers["transfer-encoding"] === "chunked") raw = unchunk(raw);
  const body = raw.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status, headers, body, json };
}

/** Chunk sizes count bytes, so the framing is undone before decoding. */
function unchunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const nl = bytes.indexOf("\r\n", at);
    if (nl < 0) break;
    const size = Number.parseInt(bytes.toString("latin1", at, nl), 16);
    if (!size) break;
    parts.push(bytes.subarray(nl + 2, nl + 2 + size));
    at = nl + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
