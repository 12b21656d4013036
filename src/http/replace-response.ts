// Swaps the answer a middleware wraps after `next()` for its wrapped copy.
import type { Context } from "hono";
import type { AppEnv } from "../types.ts";

/**
 * Hono's `c.res = x` over an existing answer builds one more Response from `x` and copies every
 * header of the old one into it. The wrappers here build theirs from the old answer's headers
 * already, so the old one is let go first: one Response per wrap, not two.
 */
export function replaceResponse(c: Context<AppEnv>, res: Response): void {
  c.res = undefined;
  c.res = res;
}
