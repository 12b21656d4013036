// A client on a bare TCP socket, for what fetch cannot do: stop half-way through a request and wait.
import net from "node:net";

export interface RawClient {
  /** Everything the server has sent so far. */
  received(): string;
  /** The status code of the response, once its status line has arrived. */
  status(): number | undefined;
  /** The response body (after the blank line), as received so far. */
  body(): string;
  readonly closed: Promise<void>;
  isClosed(): boolean;
  write(text: string): void;
  destroy(): void;
}

/** Opens a connection to `url`'s host and port and sends `head` (and nothing else). */
export async function rawClient(url: string, head: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let data = "";
  let closed = false;
  socket.on("data", (d) => {
    data += d.toString("latin1");
  });
  // A reset is a way of closing too; the tests look at what arrived before it.
  socket.on("error", () => {});
  const closedPromise = new Promise<void>((resolve) =>
    socket.on("close", () => {
      closed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  if (head) socket.write(head);
  return {
    received: () => data,
    status: () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      return m ? Number(m[1]) : undefined;
    },
    body: () => {
      const at = data.indexOf("\r\n\r\n");
      return at < 0 ? "" : data.slice(at + 4);
    },
    closed: closedPromise,
    isClosed: () => closed,
    write: (text) => socket.write(text),
    destroy: () => socket.destroy(),
  };
}

/**
 * A POST whose headers announce `declared` bytes of body but which sends only `partial` of them and
 * then goes silent, like a client that died (or an attacker holding the socket).
 */
export function stalledPost(
  url: string,
  path: string,
  partial: string,
  extraHeaders = "",
): Promise<RawClient> {
  const { host } = new URL(url);
  return rawClient(
    url,
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n${extraHeaders}` +
      `Content-Length: ${partial.length + 1000}\r\n\r\n${partial}`,
  );
}

/** Resolves with `what` when `promise` settles within `ms`, else with "still waiting". */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | "still waiting"> {
  return Promise.race([promise, Bun.sleep(ms).then(() => "still waiting" as const)]);
}
