// Where the agent worker's entry is: beside this file from source, inside the binary when compiled.
//
// `bun build --compile` bundles every module of the proxy into one, whose import.meta.url is the
// binary's own; the worker entry is a second entrypoint of that build (see package.json "build"),
// stored at its path relative to src/. Agent files themselves are never bundled: the worker imports
// them from the agents folder on disk.
export function workerEntryUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith("/isolate/worker-url.ts")) return new URL("./worker-entry.ts", here);
  return new URL("./agents/isolate/worker-entry.ts", here);
}
