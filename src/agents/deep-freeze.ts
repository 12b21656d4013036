// Freezes a value and everything reachable from it, so no request can change what another one sees.

/** Freezes `value` in depth and returns it; an object already frozen is taken as frozen all the way down. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
