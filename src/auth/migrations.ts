// The store's schema, one list of statements per version; never edit a released one, append a new one.
// Plain SQL that SQLite and PostgreSQL both accept (IF NOT EXISTS makes concurrent start-ups harmless).
export const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE IF NOT EXISTS api_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      owner TEXT NOT NULL,
      prefix TEXT NOT NULL UNIQUE,
      hash TEXT NOT NULL,
      policy TEXT NOT NULL,
      ssh_keys TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT,
      revoked_at BIGINT,
      updated_at BIGINT NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS usage_daily (
      key_id TEXT NOT NULL,
      day TEXT NOT NULL,
      model TEXT NOT NULL,
      route TEXT NOT NULL,
      end_user TEXT NOT NULL,
      requests BIGINT NOT NULL,
      errors BIGINT NOT NULL,
      input_tokens BIGINT NOT NULL,
      output_tokens BIGINT NOT NULL,
      total_ms BIGINT NOT NULL,
      first_token_ms BIGINT NOT NULL,
      first_token_count BIGINT NOT NULL,
      PRIMARY KEY (key_id, day, model, route, end_user)
    )`,
    "CREATE INDEX IF NOT EXISTS usage_daily_day ON usage_daily (day)",
  ],
];
