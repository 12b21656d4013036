// Structured logger: one JSON object per line (or a readable line), with bound fields per request.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  enabled(level: LogLevel): boolean;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level: LogLevel;
  format: "json" | "pretty";
  /** Where finished lines go; stderr by default, an array push in tests. */
  write?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions, bound: LogFields = {}): Logger {
  const min = RANK[opts.level];
  const write = opts.write ?? stderrLines;
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const record = { time: new Date().toISOString(), level, msg, ...bound, ...fields };
    write(opts.format === "json" ? safeJson(record) : pretty(record));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ ...opts, write }, { ...bound, ...fields }),
    enabled: (level) => RANK[level] >= min,
  };
}

let pending: string[] = [];
let scheduled = false;

/**
 * Log lines go to stderr in batches: one write per event-loop turn instead of one per line (a write
 * per request was a measurable share of a busy proxy's CPU). Lines still leave within a tick, and
 * whatever is pending is written synchronously on exit.
 */
function stderrLines(line: string): void {
  pending.push(line);
  if (scheduled) return;
  scheduled = true;
  setImmediate(flushLogLines);
}

export function flushLogLines(): void {
  scheduled = false;
  if (pending.length === 0) return;
  const text = `${pending.join("\n")}\n`;
  pending = [];
  process.stderr.write(text);
}

process.on("exit", flushLogLines);

/** A logger that drops everything (handy default in tests and library use). */
export const silentLogger: Logger = createLogger({ level: "error", format: "json", write: () => {} });

function safeJson(record: LogFields): string {
  try {
    // A replacer slows every stringify down; only records holding an Error or a bigint need one.
    const plain = Object.values(record).every((v) => !(v instanceof Error) && typeof v !== "bigint");
    return plain ? JSON.stringify(record) : JSON.stringify(record, errorReplacer);
  } catch {
    return JSON.stringify({
      time: record.time,
      level: record.level,
      msg: record.msg,
      note: "unserialisable fields",
    });
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  return value;
}

function pretty(record: LogFields): string {
  const { time, level, msg, ...rest } = record;
  const clock = String(time).slice(11, 23);
  const extras = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v, errorReplacer)}`)
    .join(" ");
  return `${clock} ${String(level).toUpperCase().padEnd(5)} ${msg}${extras ? ` ${extras}` : ""}`;
}
