// The workloads the profiler runs: the benchmark's hot paths, each a single wrk job.
import type { BenchConfig } from "../lib/config.ts";
import { PLAIN_MODEL, streamModel } from "../lib/models.ts";

export interface ProfileWorkload {
  id: string;
  title: string;
  path: string;
  /** The floor speaks only Ollama's native API: /v1 workloads compare with its native pass-through. */
  floorPath?: string;
  connections: number;
  body(config: BenchConfig): unknown;
  /** Content chunks per request, for per-chunk figures; 0 for non-streaming. */
  chunks(config: BenchConfig): number;
}

const ask = (content: string) => [{ role: "user", content }];
const story = "Tell me a story about a fox.";

export const PROFILE_WORKLOADS: ProfileWorkload[] = [
  {
    id: "requests-c64",
    title: "non-streaming POST /api/chat, 64 connections",
    path: "/api/chat",
    connections: 64,
    body: () => ({ model: PLAIN_MODEL, stream: false, messages: ask("Say hello in one short sentence.") }),
    chunks: () => 0,
  },
  {
    id: "v1-requests-c64",
    title: "non-streaming POST /v1/chat/completions, 64 connections",
    path: "/v1/chat/completions",
    floorPath: "/api/chat",
    connections: 64,
    body: () => ({ model: PLAIN_MODEL, stream: false, messages: ask("Say hello in one short sentence.") }),
    chunks: () => 0,
  },
  {
    id: "stream",
    title: "streaming /api/chat, fast path",
    path: "/api/chat",
    connections: 4,
    body: (c) => ({ model: streamModel(c.streamChunks, 0), stream: true, messages: ask(story) }),
    chunks: (c) => c.streamChunks,
  },
  {
    id: "stream-redact",
    title: "streaming /api/chat with /redact",
    path: "/api/chat",
    connections: 4,
    body: (c) => ({ model: streamModel(c.streamChunks, 0), stream: true, messages: ask(`/redact ${story}`) }),
    chunks: (c) => c.streamChunks,
  },
  {
    id: "v1-stream",
    title: "streaming /v1/chat/completions (translated SSE)",
    path: "/v1/chat/completions",
    floorPath: "/api/chat",
    connections: 4,
    body: (c) => ({ model: streamModel(c.streamChunks, 0), stream: true, messages: ask(story) }),
    chunks: (c) => c.streamChunks,
  },
];
