// The agents subsystem's public door: registry, slash-command parser, chain runner, replies, settings.
export { prepareChain, runRequestHooks, runTakeover } from "./chain.ts";
export { MAX_CHAIN_LENGTH } from "./chain-rules.ts";
export type { AgentCommand, ChainLink, ContextFactory, ParsedInput, PreparedChain } from "./chain-types.ts";
export { type ComposedTransform, composeTransforms } from "./compose-transforms.ts";
export { AgentError } from "./errors.ts";
export { helpReply, unknownCommandReply, usageLine } from "./help.ts";
export type { AgentCounts, AgentRegistry, RegistryOptions } from "./registry.ts";
export { createAgentRegistry } from "./registry.ts";
export type { AgentSettingsMap } from "./settings.ts";
export { loadAgentSettings } from "./settings.ts";
export { checkCommandChain, parseSlashCommands, stripKnownCommands } from "./slash-commands.ts";
export type { AgentSnapshot, FailedAgent, LoadedAgent, LoadingAgent } from "./snapshot.ts";
export { createSnapshot, EMPTY_SNAPSHOT } from "./snapshot.ts";
export type * from "./types.ts";
