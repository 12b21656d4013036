// The internal batch entry of a response transform: several pieces that arrived together, one call.
// Not part of the agent contract; an agent's worker offers it so one message carries many pieces.

/** `transform[BATCH](texts)` returns one output per text, in order, as `chunk` would one by one. */
export const BATCH: unique symbol = Symbol("agent transform batch");

export interface Batchable {
  [BATCH]?(texts: string[]): Promise<unknown[]>;
}
