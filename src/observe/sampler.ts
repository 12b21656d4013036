// OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the OpenTelemetry SDK spec names them.
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace";

export interface SamplerSettings {
  sampler:
    | "always_on"
    | "always_off"
    | "traceidratio"
    | "parentbased_always_on"
    | "parentbased_always_off"
    | "parentbased_traceidratio";
  samplerArg: number;
}

export function samplerFrom({ sampler, samplerArg }: SamplerSettings): Sampler {
  const root = (name: string): Sampler =>
    name.endsWith("always_on")
      ? new AlwaysOnSampler()
      : name.endsWith("always_off")
        ? new AlwaysOffSampler()
        : new TraceIdRatioBasedSampler(samplerArg);
  return sampler.startsWith("parentbased_") ? new ParentBasedSampler({ root: root(sampler) }) : root(sampler);
}
