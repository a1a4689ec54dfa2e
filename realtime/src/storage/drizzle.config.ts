/**
 * drizzle-kit configuration: generates the SQL migrations in `migrations/` from `schema.ts` and `schema.*.ts`.
 * Run from the repository root: `npx drizzle-kit generate --config realtime/src/storage/drizzle.config.ts`
 * (add `--name what_changed`). The migrations are applied by `openDatabase` (drizzle's migrator), never by
 * drizzle-kit, so the same files run on PGlite and on PostgreSQL.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Core tables in schema.ts; each area (accounts, campaigns, complaints, reports...) adds its own
  // `schema.<area>.ts` so parallel work never edits one file.
  schema: ['./realtime/src/storage/schema.ts', './realtime/src/storage/schema.*.ts'],
  out: './realtime/src/storage/migrations',
  strict: true,
});
