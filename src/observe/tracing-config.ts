// Tracing from the settings: off unless an OTLP endpoint is configured. The OpenTelemetry SDK is
// loaded only then, so a proxy without tracing neither starts slower nor holds its modules.
import type { Config } from "../config/index.ts";
import type { Tracing, TracingSettings } from "./tracing.ts";

/** The traces URL the standard variables give, or "" when tracing is off. */
export function tracesUrl(endpoint: string, tracesEndpoint: string): string {
  if (tracesEndpoint) return tracesEndpoint;
  if (!endpoint) return "";
  return `${endpoint.replace(/\/+$/, "")}/v1/traces`;
}

export async function createTracingFromConfig(
  config: Config,
  version: string,
  onDropped: (spans: number) => void,
  tuning: Pick<TracingSettings, "scheduledDelayMs" | "exportTimeoutMs"> = {},
): Promise<Tracing | null> {
  const url = tracesUrl(config.otelEndpoint, config.otelTracesEndpoint);
  if (!url) return null;
  const { createTracing } = await import("./tracing.ts");
  return createTracing(
    {
      url,
      headers: config.otelHeaders,
      serviceName: config.otelServiceName,
      version,
      sampler: config.otelSampler,
      samplerArg: config.otelSamplerArg,
      captureContent: config.otelCaptureContent,
      ...tuning,
    },
    onDropped,
  );
}
