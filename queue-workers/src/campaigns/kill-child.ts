/**
 * A campaign worker process for the SIGKILL test (`kill.spec.ts`): the real workers on a PGlite folder
 * and a fake hub that answers connected calls. Env: REDIS_URL, PREFIX, DATA_DIR.
 */
import { Redis } from 'ioredis';
import pino from 'pino';
import { demoSite } from '../../../realtime/src/site/demo-site.ts';
import { openDatabase } from '../../../realtime/src/storage/database.ts';
import { FakeHub } from './testing.ts';
import { startCampaignWorkers } from './workers.ts';

const redisUrl = process.env.REDIS_URL!;
const prefix = process.env.PREFIX!;
const db = await openDatabase({ dataDir: process.env.DATA_DIR! });
const redis = new Redis(redisUrl);
const hub = new FakeHub({ redis, streamKey: `${prefix}:hubevents`, queue: 'telesales', freeAgents: Number(process.env.FREE_AGENTS ?? 400) });
const w = await startCampaignWorkers({
  redisUrl,
  db,
  config: demoSite(),
  hub,
  hubStreamKey: `${prefix}:hubevents`,
  logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
  prefix,
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
  recoverAfterMs: 3000,
  dialConcurrency: 50,
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void (async () => {
    await w.drain();
    await w.stop();
    await db.close();
    await redis.quit();
    process.exit(0);
  })();
});
