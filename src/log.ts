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
  return new LineLogger({ ...opts, write: opts.write ?? stderrLines }, bound);
}

/**
 * A class, not closures: every request gets a child logger, and a child is then one object. A JSON
 * line is assembled from pieces: the bound fields are serialised once per logger (a request's logger
 * logs several lines), and no merged record object is built per line.
 */
class LineLogger implements Logger {
  private readonly min: number;
  private readonly boundJson: string;
  constructor(
    private readonly opts: LoggerOptions & { write: (line: string) => void },
    private readonly bound: LogFields,
  ) {
    this.min = RANK[opts.level];
    this.boundJson = opts.format === "json" ? jsonBody(bound) : "";
  }
  debug(msg: string, fields?: LogFields): void {
    this.emit("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.emit("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.emit("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.emit("error", msg, fields);
  }
  child(fields: LogFields): Logger {
    return new LineLogger(this.opts, { ...this.bound, ...fields });
  }
  enabled(level: LogLevel): boolean {
    return RANK[level] >= this.min;
  }
  private emit(level: LogLevel, msg: string, fields?: LogFields): void {
    if (RANK[level] < this.min) return;
    const time = new Date().toISOString();
    if (this.opts.format !== "json") {
      this.opts.write(pretty({ time, level, msg, ...this.bound, ...fields }));
      return;
    }
    const fieldsJson = fields ? jsonBody(fields) : "";
    const boundJson = this.boundJson;
    this.opts.write(
      `{"time":"${time}","level":"${level}","msg":${JSON.stringify(msg)}${boundJson && `,${boundJson}`}${fieldsJson && `,${fieldsJson}`}}`,
    );
  }
}

let pending: string[] = [];
let scheduled = false;

/** Longest a line waits before it is written, and most lines held back. */
const FLUSH_AFTER_MS = 20;
const FLUSH_AT_LINES = 512;

/**
 * Log lines go to stderr in batches (a write per request was ~10% of a busy proxy's throughput):
 * at most every 20 ms or 512 lines; the entry file calls flushLogLines on exit for what is pending.
 */
function stderrLines(line: string): void {
  pending.push(line);
  if (pending.length >= FLUSH_AT_LINES) {
    flushLogLines();
    return;
  }
  if (scheduled) return;
  scheduled = true;
  setTimeout(flushLogLines, FLUSH_AFTER_MS).unref();
}

export function flushLogLines(): void {
  scheduled = false;
  if (pending.length === 0) return;
  const text = `${pending.join("\n")}\n`;
  pending = [];
  process.stderr.write(text);
}

/** A logger that drops everything (handy default in tests and library use). */
export const silentLogger: Logger = createLogger({ level: "error", format: "json", write: () => {} });

/** The inside of a JSON object (no braces), "" when empty; Errors and bigints are made printable. */
function jsonBody(fields: LogFields): string {
  let plain = true;
  for (const key in fields) {
    const v = fields[key];
    if (v instanceof Error || typeof v === "bigint") plain = false;
  }
  try {
    // A replacer slows every stringify down; only records holding an Error or a bigint need one.
    return (plain ? JSON.stringify(fields) : JSON.stringify(fields, errorReplacer)).slice(1, -1);
  } catch {
    return '"note":"unserialisable fields"';
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
