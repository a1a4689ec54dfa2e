/**
 * End-to-end harness: the real hub (createApp, real Redis) serving the built console through the
 * same mount as `npm start`, and Chromium driven by playwright-core (the system's /usr/bin/chromium,
 * never a downloaded browser).
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseSiteConfig, type DomainEvent, type SiteConfig, type SiteConfigInput } from '../../realtime/src/contracts/index.ts';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import { createApp, type App, type Mount } from '../../realtime/src/hub/app.ts';
import type { Database } from '../../realtime/src/storage/database.ts';
import { createRecordState, recordsFromEvents } from '../../realtime/src/storage/records.ts';
import { RecordsRepository } from '../../realtime/src/storage/records.repository.ts';
import { testBackends, type TestDatabase } from '../../realtime/src/storage/testing.ts';
import { campaignsArea, type CampaignsArea } from '../../queue-workers/src/campaigns/campaigns.router.ts';
import { consoleMount } from '../server/mount.ts';

export const CHROMIUM = process.env.CALLBOARD_CHROMIUM ?? '/usr/bin/chromium';
export const SECRET = 'e2e-secret';
export const PASSWORD = 'demo';

/** A small site: two lines, three agents, a supervisor; short offers so expiry is quick. */
export function e2eSite(over: Partial<SiteConfigInput> = {}): SiteConfigInput {
  const agent = (id: string, name: string, queues: string[]) => ({ id, name, teamId: 't1', queues });
  return {
    id: 'e2e',
    name: 'E2E hotline',
    offerTimeoutSec: 3,
    maxMissedOffers: 3,
    queues: [
      { id: 'booking', name: 'Vaccine booking', nameVi: 'Đặt lịch tiêm chủng', priority: 2, wrapupSec: 60 },
      { id: 'advice', name: 'Advice', nameVi: 'Tư vấn', priority: 4, wrapupSec: 60 },
    ],
    teams: [{ id: 't1', name: 'Booking team', nameVi: 'Tổ đặt lịch', leadUserId: 'lead1' }],
    agents: [agent('a1', 'Nguyễn Thị Lan', ['booking']), agent('a2', 'Trần Văn Nam', ['advice']), agent('a3', 'Lê Thu Hà', ['advice'])],
    users: [
      { id: 'sup', name: 'Giám sát', role: 'supervisor', password: PASSWORD },
      { id: 'lead1', name: 'Đỗ Thu Trang', role: 'team_lead', password: PASSWORD, teamIds: ['t1'] },
      { id: 'a1', name: 'Nguyễn Thị Lan', role: 'agent', password: PASSWORD, agentId: 'a1', teamIds: ['t1'] },
      { id: 'a2', name: 'Trần Văn Nam', role: 'agent', password: PASSWORD, agentId: 'a2', teamIds: ['t1'] },
      { id: 'a3', name: 'Lê Thu Hà', role: 'agent', password: PASSWORD, agentId: 'a3', teamIds: ['t1'] },
    ],
    ...over,
  };
}

export interface RunningHub {
  app: App;
  url: string;
  port: number;
  streamKey: string;
}

/** Starts the hub with the console mounted; `port`/`streamKey` to restart the same hub. */
export async function startConsoleHub(redisUrl: string, opts: { port?: number; streamKey?: string; site?: SiteConfigInput } = {}): Promise<RunningHub> {
  const streamKey = opts.streamKey ?? `callboard:e2e:${randomBytes(6).toString('hex')}:events`;
  const app = await createApp({
    config: parseSiteConfig(opts.site ?? e2eSite()),
    redisUrl,
    logger: pino({ level: 'silent' }),
    jwtSecret: SECRET,
    streamKey,
    tickMs: 100,
    deltaIntervalMs: 100,
    redisAdapter: false,
    mounts: [await consoleMount()],
  });
  const url = await app.listen(opts.port ?? 0);
  return { app, url, port: Number(new URL(url).port), streamKey };
}

/**
 * When a test's seeded calls start: two hours ago, or a minute into the site's day when that is younger (in
 * the first two hours of the site's day, "two hours ago" was yesterday, and a report of today had nothing).
 */
export function seedStart(config: SiteConfig): number {
  const dayStart = new SiteCalendar(config.timeZone, config.intervalMin).dayStart(Date.now());
  return Math.max(Date.now() - 2 * 3_600_000, dayStart + 60_000);
}

/**
 * The hub on a throwaway database (the first test backend) holding the records of `events`, serving the
 * routers `mounts` makes (reports, complaints) and the built console.
 */
export async function startRecordsHub(
  redisUrl: string,
  config: SiteConfig,
  events: DomainEvent[],
  mounts: (database: () => Database) => Mount[],
): Promise<{ app: App; url: string; db: TestDatabase }> {
  const db = await testBackends()[0]!.create();
  const repo = new RecordsRepository(db.database);
  await repo.syncSite(config);
  await repo.writeBatch(config.id, recordsFromEvents(events, createRecordState(config)));
  const app = await createApp({
    config,
    redisUrl,
    logger: pino({ level: 'silent' }),
    jwtSecret: SECRET,
    streamKey: `callboard:e2e:${randomBytes(6).toString('hex')}:events`,
    redisAdapter: false,
    mounts: [...mounts(() => db.database), await consoleMount()],
  });
  return { app, url: await app.listen(0), db };
}

/**
 * The hub with the campaigns area as `npm start` mounts it (scripts/src/start.ts: `campaignsArea` on the
 * hub's event log, its BullMQ workers in this process, the REST router and Bull Board), on a throwaway
 * database, serving the built console. The workers' Redis keys and queues are under a prefix of their own,
 * so test files running side by side on the one Redis do not see each other's jobs.
 * `close()` stops the workers, then the hub, then drops the database.
 */
export async function startCampaignsHub(redisUrl: string, config: SiteConfig): Promise<{ app: App; url: string; db: TestDatabase; campaigns: CampaignsArea; close(): Promise<void> }> {
  const db = await testBackends()[0]!.create();
  const logger = pino({ level: 'silent' });
  const streamKey = `callboard:e2e:${randomBytes(6).toString('hex')}:events`;
  const campaigns = campaignsArea({ config, redisUrl, streamKey, database: () => db.database, logger, workers: { prefix: `e2e:camp:${randomBytes(5).toString('hex')}` } });
  const app = await createApp({ config, redisUrl, logger, jwtSecret: SECRET, streamKey, redisAdapter: false, mounts: [campaigns.mount, await consoleMount()] });
  // Without workers the routes answer 503: fail here, not in the first click.
  if (!(await campaigns.ready)) {
    await app.close();
    await db.drop();
    throw new Error('the campaign workers did not start');
  }
  const url = await app.listen(0);
  return {
    app,
    url,
    db,
    campaigns,
    async close() {
      try {
        await campaigns.stop();
      } finally {
        await app.close();
        await db.drop();
      }
    },
  };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A fresh browser context signed in as `user`; resolves once its page shows live figures. */
export async function signIn(browser: Browser, base: string, user: string, path?: string, viewport = { width: 1600, height: 1000 }): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'vi-VN', reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#login-user', user);
  await page.fill('#login-pass', PASSWORD);
  await page.click('#login-submit');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  if (path) await page.goto(base + path);
  await page.locator('[data-testid=age-badge][data-level=ok]').waitFor();
  return page;
}

let n = 0;
/** A new inbound call on `queue`, as the phone system would send it. */
export function offered(queue: string, from = '0901234567') {
  const callId = `e2e-${Date.now()}-${++n}`;
  return { callId, event: { id: `ev-${callId}`, type: 'call.offered' as const, at: Date.now(), source: 'e2e', callId, queue, direction: 'inbound' as const, from, attributes: { customer: 'Phạm Thị Mai', vaccine: 'Hexaxim' } } };
}
