/**
 * The hub alone: `npm run hub`. Needs REDIS_URL (default redis://127.0.0.1:6379). With DATABASE_URL,
 * accounts come from the database (argon2 logins, revocation, audit log, admin REST; docs/ACCESS.md).
 * `npm start` runs this plus a private Redis when needed, the simulator and the console.
 */
import { AccountsService, adminRoutes, createLogger } from './accounts/index.ts';
import { openDatabase, type Database } from './storage/index.ts';
import { createApp } from './hub/app.ts';
import { DEV_SECRET, jwtSecret } from './hub/auth.ts';
import { checkpointOptionsFromEnv } from './hub/checkpointer.ts';
import { loadSite } from './site/load-site.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
const secret = jwtSecret();
if (secret === DEV_SECRET) logger.warn('CALLBOARD_JWT_SECRET is not set: using the development secret (never in production)');
const config = loadSite();
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let database: Database | undefined;
let accounts: AccountsService | undefined;
if (process.env.DATABASE_URL && process.env.CALLBOARD_DB !== '0') {
  database = await openDatabase();
  accounts = await AccountsService.open({ database, redisUrl, siteId: config.id, logger });
  const seeded = await accounts.seedSite(config);
  logger.info({ seeded: seeded.length }, 'accounts from the database');
}
const app = await createApp({
  config,
  redisUrl,
  ...(accounts ? { accounts, mounts: [adminRoutes(accounts)] } : {}),
  logger,
  jwtSecret: secret,
  clock: process.env.CALLBOARD_CLOCK === 'event' ? 'event' : 'wall',
  ...(process.env.CALLBOARD_STREAM ? { streamKey: process.env.CALLBOARD_STREAM } : {}),
  ...checkpointOptionsFromEnv(),
  // A demo clock N times faster than the machine's, for the simulator at --speed N.
  ...(Number(process.env.CALLBOARD_SPEED) > 0 ? { clockSpeed: Number(process.env.CALLBOARD_SPEED) } : {}),
});
// The metric parameters are versioned: a configuration whose T, S or SL goal/basis changed since the last
// run applies from now on, not to the history (metrics.md).
const versioned = await app.hub.versionParams();
if (versioned) logger.info({ at: new Date(versioned.at).toISOString(), site: versioned.site }, 'metric parameters: a new version in force from now on');
const url = await app.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1');
logger.info(`Callboard hub listening on ${url}`);
const stop = async () => {
  logger.info('shutting down');
  await app.close();
  await accounts?.close();
  await database?.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
