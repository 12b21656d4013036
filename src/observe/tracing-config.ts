// Tracing from the settings: off unless an OTLP endpoint is configured.
import type { Config } from "../config/index.ts";
import { createTracing, type Tracing, type TracingSettings, tracesUrl } from "./tracing.ts";

export function createTracingFromConfig(
  config: Config,
  version: string,
  onDropped: (spans: number) => void,
  tuning: Pick<TracingSettings, "scheduledDelayMs" | "exportTimeoutMs"> = {},
): Tracing | null {
  const url = tracesUrl(config.otelEndpoint, config.otelTracesEndpoint);
  if (!url) return null;
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
