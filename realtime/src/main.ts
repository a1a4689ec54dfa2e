/**
 * The hub alone: `npm run hub`. Needs REDIS_URL (default redis://127.0.0.1:6379).
 * `npm start` runs this plus a private Redis when needed, the simulator and the console.
 */
import pino from 'pino';
import { createApp } from './hub/app.ts';
import { DEV_SECRET, jwtSecret } from './hub/auth.ts';
import { checkpointOptionsFromEnv } from './hub/checkpointer.ts';
import { loadSite } from './site/load-site.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const secret = jwtSecret();
if (secret === DEV_SECRET) logger.warn('CALLBOARD_JWT_SECRET is not set: using the development secret (never in production)');
const app = await createApp({
  config: loadSite(),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  logger,
  jwtSecret: secret,
  clock: process.env.CALLBOARD_CLOCK === 'event' ? 'event' : 'wall',
  ...(process.env.CALLBOARD_STREAM ? { streamKey: process.env.CALLBOARD_STREAM } : {}),
  ...checkpointOptionsFromEnv(),
  // A demo clock N times faster than the machine's, for the simulator at --speed N.
  ...(Number(process.env.CALLBOARD_SPEED) > 0 ? { clockSpeed: Number(process.env.CALLBOARD_SPEED) } : {}),
});
const url = await app.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1');
logger.info(`Callboard hub listening on ${url}`);
const stop = async () => {
  logger.info('shutting down');
  await app.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
