// The replies the proxy writes itself: /help, /help <agent>, and the answer to an unknown command.
import { editDistance } from "../edit-distance.ts";
import { MAX_CHAIN_LENGTH } from "./chain-rules.ts";
import type { AgentSnapshot, LoadedAgent } from "./snapshot.ts";

/** The agent's usage line: its own, or derived from its arguments ("/translate <language> <text>"). */
export function usageLine(agent: LoadedAgent): string {
  const { manifest } = agent.definition;
  if (manifest.usage) return manifest.usage;
  const args = (manifest.args ?? []).map((a) => ` <${a.name}>`).join("");
  return `/${manifest.name}${args} <your message>`;
}

export function helpReply(snapshot: AgentSnapshot, topic: string | null): string {
  if (topic) {
    const agent = snapshot.get(topic);
    if (agent) return agentHelp(agent);
    return `There is no agent called \`/${topic}\`.\n\n${agentList(snapshot)}`;
  }
  return agentList(snapshot);
}

export function unknownCommandReply(name: string, snapshot: AgentSnapshot): string {
  const guess = closest(name, snapshot);
  const hint = guess ? ` Did you mean \`/${guess}\`?` : "";
  return (
    `Unknown command \`/${name}\`.${hint}\n\n${agentList(snapshot)}\n\n` +
    `To send a message that starts with a slash, double it: \`//${name} …\` reaches the model as \`/${name} …\`.`
  );
}

function agentList(snapshot: AgentSnapshot): string {
  const agents = snapshot.list();
  const broken = snapshot.failed().length;
  const loading = snapshot.loading().length;
  const notes = [
    broken ? `${broken} agent file(s) failed to load` : "",
    loading ? `${loading} agent file(s) are still loading` : "",
  ].filter(Boolean);
  const note = notes.length ? `\n\n${notes.join("; ")}; see GET /plugins.` : "";
  if (agents.length === 0) return `No agents are loaded.${note}`;
  const lines = agents.map((a) => `- \`${usageLine(a)}\` — ${a.definition.manifest.description}`);
  return (
    `**Agents** — start a message with a command:\n\n${lines.join("\n")}\n\n` +
    `Chain up to ${MAX_CHAIN_LENGTH} (\`/first /second your message\`): the leftmost wraps the others. ` +
    `\`/help <agent>\` shows one agent in detail.${note}`
  );
}

function agentHelp(agent: LoadedAgent): string {
  const m = agent.definition.manifest;
  const parts = [
    `**/${m.name}**${m.version ? ` (v${m.version})` : ""} — ${m.description}`,
    `Usage: \`${usageLine(agent)}\``,
  ];
  if (m.args?.length)
    parts.push(`Arguments:\n${m.args.map((a) => `- \`<${a.name}>\` — ${a.description}`).join("\n")}`);
  if (m.examples?.length) parts.push(`Examples:\n${m.examples.map((e) => `- \`${e}\``).join("\n")}`);
  parts.push('Arguments are single words or "double-quoted phrases".');
  return parts.join("\n\n");
}

/** The loaded name nearest to a typo (edit distance ≤ 2), if any. */
function closest(name: string, snapshot: AgentSnapshot): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const agent of snapshot.list()) {
    const d = editDistance(name, agent.name);
    if (d < bestDistance) [best, bestDistance] = [agent.name, d];
  }
  return best;
}
