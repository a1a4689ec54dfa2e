/**
 * drizzle-kit configuration: generates the SQL migrations in `migrations/` from `schema.ts`.
 * Run from the repository root: `npx drizzle-kit generate --config realtime/src/storage/drizzle.config.ts`
 * (add `--name what_changed`). The migrations are applied by `openDatabase` (drizzle's migrator), never by
 * drizzle-kit, so the same files run on PGlite and on PostgreSQL.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './realtime/src/storage/schema.ts',
  out: './realtime/src/storage/migrations',
  strict: true,
});
