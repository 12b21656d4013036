// A request's captured bodies in the Requests detail view (GET /ui/captures/:id, when CAPTURE_BODIES is on).
import { useEffect, useState } from "hono/jsx/dom";
import type { Capture } from "../../wire/capture.ts";
import { getJson } from "../api.ts";
import { bytes } from "../format.ts";

/** JSON bodies pretty-printed; NDJSON, SSE and anything cut short shown as they are. */
const shown = (text: string) => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

const headerLines = (h: Record<string, string> | undefined) =>
  Object.entries(h ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");

export function CaptureView({ id, running }: { id: string; running: boolean }) {
  const [capture, setCapture] = useState<Capture | null>(null);
  const [note, setNote] = useState<string>("reading the capture…");
  // Read again when the request ends: its response is kept once it is over.
  useEffect(() => {
    getJson<{ enabled: boolean; capture: Capture | null }>(`/ui/captures/${encodeURIComponent(id)}`)
      .then(({ enabled, capture }) => {
        setCapture(capture);
        setNote(
          capture
            ? ""
            : enabled
              ? "No capture of this request: it came before captures were on, or was let go from the buffer."
              : "Bodies are not captured: set CAPTURE_BODIES=true to keep them (secrets redacted).",
        );
      })
      .catch((e: Error) => setNote(`capture: ${e.message}`));
  }, [id, running]);
  if (!capture)
    return (
      <p class="muted" data-testid="capture">
        {note}
      </p>
    );
  return (
    <div data-testid="capture">
      <h3>Request · {bytes(capture.requestBytes)}</h3>
      <pre class="mono">{headerLines(capture.requestHeaders)}</pre>
      <pre class="mono" data-testid="capture-request">
        {shown(capture.requestBody)}
      </pre>
      <h3>
        Response {capture.status ?? ""} · {bytes(capture.responseBytes)}
        {capture.truncated && " · cut at CAPTURE_BODY_BYTES"}
      </h3>
      <pre class="mono">{headerLines(capture.responseHeaders)}</pre>
      <pre class="mono" data-testid="capture-response">
        {shown(capture.responseBody)}
      </pre>
    </div>
  );
}
