/**
 * `npm run db:migrate [-- --database-url URL | --data-dir DIR]`: applies the pending migrations and
 * lists the tables. Opening the database does the same, so this is for deployments that migrate as a
 * separate step, and for checking a server before the first start.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { listTables, openDatabase, rowsOf } from './database.ts';

const { values } = parseArgs({
  options: { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  process.stdout.write('usage: npm run db:migrate [-- --database-url URL | --data-dir DIR]\n(default: $DATABASE_URL, else PGlite in .data/pglite)\n');
  process.exit(0);
}
const started = Date.now();
try {
  const database = await openDatabase({
    ...(values['database-url'] ? { url: values['database-url'] } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  });
  const applied = rowsOf<{ n: string | number }>(await database.db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`));
  const tables = await listTables(database.db);
  process.stderr.write(
    `${database.backend} ${database.location}: ${Number(applied[0]?.n ?? 0)} migrations applied, ${tables.length} tables (${tables.join(', ')}) in ${Date.now() - started} ms\n`,
  );
  await database.close();
} catch (err) {
  process.stderr.write(`db:migrate failed: ${(err as Error).message}\n`);
  process.exit(1);
}
