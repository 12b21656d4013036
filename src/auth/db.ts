// Opens the store's database (a SQLite file, or PostgreSQL for a postgres:// URL) and migrates it.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { SQL } from "bun";
import { MIGRATIONS } from "./migrations.ts";

export interface Database {
  sql: SQL;
  kind: "sqlite" | "postgres";
  /** Where it is, without a password (for the log). */
  where: string;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** `url` is DATABASE_URL: a postgres:// URL, a sqlite:// URL or a file path (relative to `cwd`). */
export async function openDatabase(url: string, cwd: string): Promise<Database> {
  if (isPostgresUrl(url)) {
    const sql = new SQL({ url, max: 4 });
    const shown = new URL(url);
    shown.password = shown.password ? "***" : "";
    const db: Database = { sql, kind: "postgres", where: shown.toString() };
    await migrate(db);
    return db;
  }
  const file = path.resolve(cwd, url.replace(/^(sqlite|file):(\/\/)?/i, ""));
  mkdirSync(path.dirname(file), { recursive: true });
  const sql = new SQL({ adapter: "sqlite", filename: file, create: true, readwrite: true });
  // Several processes (the proxy and a `keys` command) share the file: wait for a lock, never fail on it.
  await sql.unsafe("PRAGMA busy_timeout = 5000");
  await sql.unsafe("PRAGMA journal_mode = WAL");
  const db: Database = { sql, kind: "sqlite", where: file };
  await migrate(db);
  return db;
}

/** Runs the migrations not yet recorded, each in a transaction; DDL is written for both databases. */
async function migrate(db: Database): Promise<void> {
  const { sql } = db;
  await sql.unsafe(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
  );
  for (const [index, statements] of MIGRATIONS.entries()) {
    const version = index + 1;
    const done = await sql`SELECT version FROM schema_migrations WHERE version = ${version}`;
    if (done.length > 0) continue;
    await sql.begin(async (tx) => {
      for (const statement of statements) await tx.unsafe(statement);
      // Two replicas starting together may both get here: the second insert changes nothing.
      await tx`INSERT INTO schema_migrations (version, applied_at) VALUES (${version}, ${Date.now()})
               ON CONFLICT (version) DO NOTHING`;
    });
  }
}
