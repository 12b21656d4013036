// Reads a `bun --cpu-prof` file (Chrome's .cpuprofile format) into short tables of where time goes.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface Hotspot {
  name: string;
  /** Share of the JS thread's samples, in percent. */
  share: number;
}

export interface ProfileSummary {
  samples: number;
  /** Self time by function. */
  self: Hotspot[];
  /** Self time with native frames charged to the nearest JavaScript caller: what the code asked for. */
  byCaller: Hotspot[];
  /** Time including callees, project files (src/, agents/) only. */
  inclusive: Hotspot[];
  /** Self time by file, native code and node_modules packages grouped. */
  byFile: Hotspot[];
}

function frameName(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = functionName || "(anonymous)";
  if (!url || url === "[native code]") return `${fn} [native]`;
  return `${fn} ${fileOf(url, root)}:${lineNumber + 1}`;
}

function fileOf(url: string, root: string): string {
  const pathPart = url.replace(/^file:\/\//, "");
  return pathPart.startsWith(root) ? pathPart.slice(root.length + 1) : pathPart;
}

function fileGroup(url: string, root: string): string {
  if (!url || url === "[native code]") return "[native code]";
  const file = fileOf(url, root);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
  return pkg ? `node_modules/${pkg}` : file;
}

const isProject = (file: string) => file.startsWith("src/") || file.startsWith("agents/");

function top(counts: Map<string, number>, total: number, n: number): Hotspot[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => ({ name, share: (count / total) * 100 }));
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Samples are counted, not weighted by time deltas: a sample after an idle gap is not busier than others. */
export function summarizeProfile(file: string, root: string, n = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byFile = new Map<string, number>();
  let counted = 0;
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === "(idle)" || node.callFrame.functionName === "(root)")
      continue;
    counted++;
    bump(self, frameName(node, root));
    bump(byFile, fileGroup(node.callFrame.url, root));
    const seen = new Set<string>();
    let caller: string | null = null;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur);
      if (!frame) break;
      const url = frame.callFrame.url;
      if (caller === null && url && url !== "[native code]") caller = frameName(frame, root);
      if (url && isProject(fileOf(url, root))) {
        const name = frameName(frame, root);
        if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
        seen.add(name);
      }
    }
    bump(byCaller, caller ?? "(native only: event loop, I/O, GC)");
  }
  return {
    samples: counted,
    self: top(self, counted, n),
    byCaller: top(byCaller, counted, n),
    inclusive: top(inclusive, counted, n),
    byFile: top(byFile, counted, n),
  };
}
