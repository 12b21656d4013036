// What the pipeline runs on: the upstream, model management, the agent stage, progress pacing.
import type { ModelService } from "../models/types.ts";
import type { UpstreamClient } from "../upstream/client.ts";
import type { AgentStage } from "./agent-stage.ts";
import type { ProgressTiming } from "./progress.ts";

export interface PipelineDeps {
  upstream: UpstreamClient;
  models: ModelService;
  agents: AgentStage | null;
  /** When a silent upstream (model load) produces progress events; renderers decide what shows. */
  loadProgress: ProgressTiming;
}
