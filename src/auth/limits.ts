// A key's limits before a request (requests per minute, concurrency, tokens per minute, day and month
// budgets with what is known so far) and the charge after it (the tokens Ollama reported).
import type { Counters } from "./counters.ts";
import type { Policy } from "./policy.ts";
import { SLOT_LEASE_MS } from "./slots.ts";

export interface LimitRefusal {
  message: string;
  retryAfterSeconds: number;
}

export interface Admission {
  /** Once, when the answer is over: frees the concurrency slot and charges the tokens. */
  finish(tokens: number): void;
}

const NOTHING: Admission = { finish() {} };

export interface Limiter {
  /** Synchronous with this process's counters; a promise with Redis's. */
  admit(keyId: string, policy: Policy): Admission | LimitRefusal | Promise<Admission | LimitRefusal>;
  /** Budgets carry on from the stored usage when a process starts. */
  seedBudgets(keyId: string, policy: Policy, tokensToday: number, tokensThisMonth: number): Promise<void>;
}

/** A counter's answer: a number from this process's counters, a promise from Redis. */
type Count = number | Promise<number>;

/** Names this process's slot holders apart from every other replica's. */
const PROCESS_ID = crypto.randomUUID().slice(0, 8);
let held = 0;

export function createLimiter(
  counters: Counters,
  now: () => number = Date.now,
  leaseMs: number = SLOT_LEASE_MS,
): Limiter {
  /** The checks in order, yielding each counter operation; `drive` runs them without a promise when it can. */
  function* steps(keyId: string, policy: Policy): Generator<Count, Admission | LimitRefusal, number> {
    const { rpm, tpm, concurrency, tokensPerDay, tokensPerMonth } = policy;
    const at = now();
    const w = windows(at);
    if (tpm && (yield counters.get(`osp:tpm:${keyId}:${w.minute}`)) >= tpm)
      return refuse(`token limit of ${tpm} tokens per minute reached`, w.minuteEndsIn);
    if (tokensPerDay && (yield counters.get(`osp:tday:${keyId}:${w.day}`)) >= tokensPerDay)
      return refuse(`daily budget of ${tokensPerDay} tokens used up`, w.dayEndsIn);
    if (tokensPerMonth && (yield counters.get(`osp:tmonth:${keyId}:${w.month}`)) >= tokensPerMonth)
      return refuse(`monthly budget of ${tokensPerMonth} tokens used up`, w.monthEndsIn);
    if (rpm) {
      const key = `osp:rpm:${keyId}:${w.minute}`;
      if ((yield counters.add(key, 1, 120)) > rpm) {
        // A refused request does not use up the next one's place in this minute.
        yield counters.add(key, -1, 120);
        return refuse(`rate limit of ${rpm} requests per minute reached`, w.minuteEndsIn);
      }
    }
    let lease: ReturnType<typeof setInterval> | undefined;
    const slotKey = `osp:slots:${keyId}`;
    const holder = concurrency ? `${PROCESS_ID}:${++held}` : "";
    if (concurrency) {
      if ((yield counters.acquire(slotKey, holder, concurrency, leaseMs)) === 0)
        return refuse(`concurrency limit of ${concurrency} requests in flight reached`, 1);
      // Renewed while the request runs: a replica that dies stops renewing, and its slot lapses.
      lease = setInterval(() => void counters.renew(slotKey, holder, leaseMs), leaseMs / 3);
      lease.unref();
    }
    let done = false;
    return {
      finish(tokens) {
        if (done) return;
        done = true;
        if (concurrency) {
          clearInterval(lease);
          void counters.release(slotKey, holder);
        }
        if (tokens <= 0) return;
        // Charged to the windows the request started in.
        if (tpm) void counters.add(`osp:tpm:${keyId}:${w.minute}`, tokens, 120);
        if (tokensPerDay) void counters.add(`osp:tday:${keyId}:${w.day}`, tokens, 90_000);
        if (tokensPerMonth) void counters.add(`osp:tmonth:${keyId}:${w.month}`, tokens, 32 * 86_400);
      },
    };
  }
  return {
    admit(keyId, policy) {
      const { rpm, tpm, concurrency, tokensPerDay, tokensPerMonth } = policy;
      if (!rpm && !tpm && !concurrency && !tokensPerDay && !tokensPerMonth) return NOTHING;
      return drive(steps(keyId, policy));
    },
    async seedBudgets(keyId, policy, today, thisMonth) {
      const w = windows(now());
      if (policy.tokensPerDay) await counters.seed(`osp:tday:${keyId}:${w.day}`, today, 90_000);
      if (policy.tokensPerMonth)
        await counters.seed(`osp:tmonth:${keyId}:${w.month}`, thisMonth, 32 * 86_400);
    },
  };
}

/** Runs the steps synchronously while counters answer at once; from the first promise on, awaits. */
function drive<T>(gen: Generator<Count, T, number>): T | Promise<T> {
  let step = gen.next();
  while (!step.done) {
    const value = step.value;
    if (typeof value !== "number") return finishAsync(gen, value);
    step = gen.next(value);
  }
  return step.value;
}

async function finishAsync<T>(gen: Generator<Count, T, number>, pending: Promise<number>): Promise<T> {
  let step = gen.next(await pending);
  while (!step.done) step = gen.next(await step.value);
  return step.value;
}

function refuse(message: string, seconds: number): LimitRefusal {
  return { message, retryAfterSeconds: Math.max(1, Math.ceil(seconds)) };
}

export function isRefusal(x: Admission | LimitRefusal): x is LimitRefusal {
  return "retryAfterSeconds" in x;
}

/** Fixed windows in UTC: the minute, day and month a moment falls in, and seconds until each ends. */
function windows(at: number) {
  const minute = Math.floor(at / 60_000);
  // The calendar part changes once a minute at most: worked out once per minute, not per request.
  if (calendar.minute !== minute) {
    const d = new Date(at);
    const iso = d.toISOString();
    calendar = {
      minute,
      day: iso.slice(0, 10),
      dayEnd: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + 86_400_000,
      month: iso.slice(0, 7),
      monthEnd: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
    };
  }
  const c = calendar;
  return {
    minute,
    minuteEndsIn: ((minute + 1) * 60_000 - at) / 1000,
    day: c.day,
    dayEndsIn: (c.dayEnd - at) / 1000,
    month: c.month,
    monthEndsIn: (c.monthEnd - at) / 1000,
  };
}

let calendar = { minute: -1, day: "", dayEnd: 0, month: "", monthEnd: 0 };
