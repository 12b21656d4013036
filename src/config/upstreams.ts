// UPSTREAMS: the Ollama servers of the fleet, as `name=url,...` (flag, variable) or a list of maps
// (config file). Empty = a fleet of one, OLLAMA_URL.
import { z } from "zod";
import { normaliseOllamaUrl } from "./ollama-url.ts";

export interface UpstreamSpec {
  /** Shown in X-Upstream, logs and /health; unique. */
  readonly name: string;
  /** Normalised `scheme://[user:pass@]host:port[/prefix]`: credentials are split off by the fleet, never shown. */
  readonly url: string;
  /** Requests sent to it at once; 0 = no limit (the others wait in the proxy's queue). */
  readonly maxConcurrent: number;
  /** Share of the load relative to the other servers (default 1). */
  readonly weight: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Built on first use: most proxies have no UPSTREAMS, and start-up builds enough schemas already. */
let entry: ReturnType<typeof buildEntrySchema> | undefined;
const entrySchema = () => (entry ??= buildEntrySchema());
function buildEntrySchema() {
  return z.strictObject(
    {
      name: z.string().regex(NAME, { error: "expected a name of letters, digits, . _ - (up to 63)" }),
      url: z.string().min(1, { error: "expected the server's URL" }),
      "max-concurrent": z.number().int().min(0).max(100_000).optional(),
      weight: z.number().min(0.01).max(1000).optional(),
    },
    { error: "expected a map with name, url and optionally max-concurrent, weight" },
  );
}

/** The config file's list of maps, carried as the JSON string the setting's schema reads. */
export function upstreamsFileForm(): z.ZodType<string, unknown> {
  return z.unknown().transform((v, ctx) => {
    if (typeof v === "string") return v;
    if (v === null) return "";
    if (!Array.isArray(v) || !v.every(isMap)) {
      ctx.addIssue({ code: "custom", message: "expected a list of {name, url, max-concurrent, weight}" });
      return z.NEVER;
    }
    return v.length ? JSON.stringify(v) : "";
  });
}

/** `name=url,name=url` pairs, or the JSON list the file form makes. */
export function upstreamsSetting() {
  return z.string().transform((raw, ctx): readonly UpstreamSpec[] => {
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    const text = raw.trim();
    if (!text) return Object.freeze([]);
    let entries: unknown[];
    if (text.startsWith("[")) {
      try {
        entries = JSON.parse(text) as unknown[];
      } catch {
        return fail("expected a JSON list of {name, url}");
      }
      if (!Array.isArray(entries)) return fail("expected a JSON list of {name, url}");
    } else {
      entries = [];
      for (const item of text.split(",")) {
        if (!item.trim()) continue;
        const eq = item.indexOf("=");
        if (eq <= 0) return fail(`expected name=url pairs separated by commas, got "${item.trim()}"`);
        entries.push({ name: item.slice(0, eq).trim(), url: item.slice(eq + 1).trim() });
      }
    }
    const out: UpstreamSpec[] = [];
    for (const [i, entry] of entries.entries()) {
      const parsed = entrySchema().safeParse(entry);
      if (!parsed.success) return fail(`upstream ${i + 1}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      const { name, url, "max-concurrent": maxConcurrent = 0, weight = 1 } = parsed.data;
      // The message names the server, never its URL: it may hold credentials.
      const normal = normaliseOllamaUrl(url);
      if ("error" in normal) return fail(`upstream ${name}: ${normal.error}`);
      if (out.some((u) => u.name === name)) return fail(`upstream ${name}: the name is used twice`);
      out.push(Object.freeze({ name, url: normal.url, maxConcurrent, weight }));
    }
    return Object.freeze(out);
  });
}
