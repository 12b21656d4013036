// The live store as a hook, and the app-wide instance of it.
import { useSyncExternalStore } from "hono/jsx/dom";
import { createLive, type LiveState } from "./live.ts";

export const live = createLive();

export function useLive(): LiveState {
  return useSyncExternalStore(live.subscribe, live.state);
}
