// Lifts Bun's cap of 256 concurrent fetches by restarting the process with the limit raised.
import { dlopen, FFIType, ptr } from "bun:ffi";

/**
 * Bun's fetch runs at most BUN_CONFIG_MAX_HTTP_REQUESTS (default 256) requests at once and queues the
 * rest silently; the value is read when the process starts, so setting it from inside is too late.
 * When the variable is unset, the process replaces itself (execve, same pid, so signals and
 * supervisors are unaffected) with one that has it set. Where execve is unavailable it falls back
 * to running the proxy as a child. A value the user set is respected.
 */
export const FETCH_LIMIT_VAR = "BUN_CONFIG_MAX_HTTP_REQUESTS";
export const RAISED_FETCH_LIMIT = "65535";

/** Returns true when this process should go on to start the proxy, false when a child runs it. */
export function ensureFetchConcurrency(): boolean {
  if (process.env[FETCH_LIMIT_VAR]) return true;
  const env = { ...process.env, [FETCH_LIMIT_VAR]: RAISED_FETCH_LIMIT };
  const argv = relaunchArgv();
  try {
    execve(argv, env); // does not return on success
  } catch {
    // fall through to the child-process fallback
  }
  superviseChild(argv, env);
  return false;
}

/** In a `bun build --compile` binary argv[1] is the embedded entry, not a file to pass again. */
function relaunchArgv(): string[] {
  const compiled = Bun.main.startsWith("/$bunfs/") || /^[A-Z]:[\\/]~BUN[\\/]/i.test(Bun.main);
  const rest = compiled ? process.argv.slice(2) : process.argv.slice(1);
  return compiled ? [process.execPath, ...rest] : [process.execPath, ...process.execArgv, ...rest];
}

function execve(argv: string[], env: Record<string, string | undefined>): void {
  const libc = process.platform === "darwin" ? "libc.dylib" : "libc.so.6";
  const lib = dlopen(libc, {
    execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  });
  const keep: Buffer[] = [];
  const cString = (s: string) => {
    const b = Buffer.from(`${s}\0`);
    keep.push(b);
    return b;
  };
  const pointerArray = (items: string[]) => {
    const table = new BigUint64Array(items.length + 1);
    items.forEach((s, i) => {
      table[i] = BigInt(ptr(cString(s)));
    });
    return table;
  };
  const envList = Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  lib.symbols.execve(
    ptr(cString(argv[0] ?? process.execPath)),
    ptr(pointerArray(argv)),
    ptr(pointerArray(envList)),
  );
  lib.close();
  throw new Error("execve failed");
}

function superviseChild(argv: string[], env: Record<string, string | undefined>): void {
  const child = Bun.spawn(argv, { env, stdio: ["inherit", "inherit", "inherit"] });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.exited.then((code) => process.exit(code ?? 1));
}
