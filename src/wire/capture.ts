// A captured request and answer as GET /ui/captures/:id sends it: written by the dashboard's server
// side (src/features/ui/captures.ts), read by its client (src/ui/pages/capture.tsx).

export interface Capture {
  id: string;
  at: string;
  method: string;
  /** The URL with credentials and secret query values redacted. */
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  /** The body's whole size; `requestBody` holds at most the limit of it. */
  requestBytes: number;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody: string;
  responseBytes: number;
  /** Either body was cut at the limit. */
  truncated: boolean;
}
