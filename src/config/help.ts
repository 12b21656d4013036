// The --help text: every setting with its flag, variable and default.
import { SETTINGS } from "./settings.ts";

export function helpText(version: string): string {
  const rows = Object.values(SETTINGS).map((s) => {
    const def = s.default === "" ? "(empty)" : s.default;
    return `  ${`${s.flag} <value>`.padEnd(30)} ${s.env.padEnd(22)} default ${def}\n      ${s.help}`;
  });
  return [
    `ollama-smart-proxy ${version} — a drop-in Ollama base URL with agents, on-demand models and /v1`,
    "",
    "Usage: ollama-smart-proxy [options]",
    "       ollama-smart-proxy keys create|list|revoke|usage ...   (API keys for AUTH=keys; keys --help)",
    "Every option can also be set by its environment variable, or in the --config file under its flag",
    "name without the dashes (ollama-url: ..., model-aliases: as a map, lists as lists).",
    "Precedence: flag > environment variable > config file > default.",
    "",
    ...rows,
    `  ${"--help".padEnd(30)} show this help`,
    `  ${"--version".padEnd(30)} print the version`,
    "",
  ].join("\n");
}
