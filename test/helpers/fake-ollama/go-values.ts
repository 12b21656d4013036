// Go value parsers Ollama relies on: time.ParseDuration, api.Duration, api.ThinkValue, base64 images.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** time.ParseDuration, returning milliseconds or Go's error text. */
export function parseGoDuration(orig: string): { ms: number } | { error: string } {
  const quoted = JSON.stringify(orig);
  let s = orig;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    sign = s.startsWith("-") ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "0") return { ms: 0 };
  if (s === "") return { error: `time: invalid duration ${quoted}` };
  let total = 0;
  while (s !== "") {
    const num = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = num?.[1] ?? "";
    const frac = num?.[2];
    if (!num || (whole === "" && !frac)) return { error: `time: invalid duration ${quoted}` };
    s = s.slice(num[0].length);
    const unitMatch = /^[^0-9.]+/.exec(s);
    if (!unitMatch) return { error: `time: missing unit in duration ${quoted}` };
    const unit = unitMatch[0];
    const factor = UNIT_MS[unit];
    if (factor === undefined)
      return { error: `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}` };
    total += Number(`${whole || "0"}.${frac ?? ""}`) * factor;
    s = s.slice(unit.length);
  }
  return { ms: sign * total };
}

export type KeepAlive = { ms: number } | { error: string };

/** api.Duration.UnmarshalJSON: number = seconds, string = Go duration; negative means forever. */
export function parseKeepAlive(value: unknown): KeepAlive {
  if (typeof value === "number") return { ms: value < 0 ? Number.POSITIVE_INFINITY : value * 1000 };
  if (typeof value === "string") {
    const parsed = parseGoDuration(value);
    if ("error" in parsed) return parsed;
    return { ms: parsed.ms < 0 ? Number.POSITIVE_INFINITY : parsed.ms };
  }
  const goType =
    typeof value === "boolean" ? "bool" : Array.isArray(value) ? "[]interface {}" : "map[string]interface {}";
  return { error: `Unsupported type: '${goType}'` };
}

const THINK_LEVELS = ["high", "medium", "low", "max"];

/** api.ThinkValue.UnmarshalJSON: a bool or one of the levels. */
export function thinkError(value: unknown): string | null {
  if (typeof value === "boolean") return null;
  if (typeof value === "string") {
    if (THINK_LEVELS.includes(value)) return null;
    return `invalid think value: ${JSON.stringify(value)} (must be "high", "medium", "low", "max", true, or false)`;
  }
  return "think must be a boolean or string";
}

/** Whether think is requested on: true or any level. */
export function thinkOn(value: unknown): boolean {
  return value === true || typeof value === "string";
}

const B64 = /[A-Za-z0-9+/]/;

/** base64.StdEncoding.DecodeString's error for an image string, or null when it decodes. */
export function base64Error(s: string): string | null {
  const data = s.replace(/[\r\n]/g, "");
  const firstPad = data.indexOf("=");
  const body = firstPad === -1 ? data : data.slice(0, firstPad);
  for (let j = 0; j < body.length; j++) {
    if (!B64.test(body[j] ?? "")) return `illegal base64 data at input byte ${j}`;
  }
  if (firstPad !== -1) {
    const pad = data.slice(firstPad);
    if (!/^={1,2}$/.test(pad) || data.length % 4 !== 0 || body.length % 4 < 2) {
      return `illegal base64 data at input byte ${firstPad}`;
    }
    return null;
  }
  if (data.length % 4 !== 0) return `illegal base64 data at input byte ${data.length - (data.length % 4)}`;
  return null;
}
