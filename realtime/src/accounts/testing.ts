/** Test fixtures: a hub with database accounts (a throwaway database per test) and the admin routes. */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { parseSiteConfig, type SiteConfigInput } from '../contracts/index.ts';
import type { App, AppDeps } from '../hub/app.ts';
import { startHub, testSite } from '../hub/testing.ts';
import type { TestBackend, TestDatabase } from '../storage/testing.ts';
import { AccountsService, type AccountsOptions } from './accounts.service.ts';
import { adminRoutes } from './admin.routes.ts';

export const PASSWORD = 'secret-pw';

/** Two teams, four agents (a4 without a team), two lines, and one user of every role. */
export function accountsSite(): SiteConfigInput {
  return testSite({
    id: `acc-${randomBytes(4).toString('hex')}`,
    teams: [
      { id: 't1', name: 'Team 1', leadUserId: 'lead1' },
      { id: 't2', name: 'Team 2', leadUserId: 'lead2' },
    ],
    agents: [
      { id: 'a1', name: 'Agent One', teamId: 't1', queues: ['booking', 'advice'] },
      { id: 'a2', name: 'Agent Two', teamId: 't1', queues: ['booking'] },
      { id: 'a3', name: 'Agent Three', teamId: 't2', queues: ['booking'] },
      { id: 'a4', name: 'Agent Four', queues: ['advice'] },
    ],
    users: [
      { id: 'admin', name: 'Admin', role: 'admin', password: PASSWORD },
      { id: 'sup', name: 'Supervisor', role: 'supervisor', password: PASSWORD },
      { id: 'lead1', name: 'Lead One', role: 'team_lead', password: PASSWORD, teamIds: ['t1'] },
      { id: 'lead2', name: 'Lead Two', role: 'team_lead', password: PASSWORD, teamIds: ['t2'] },
      { id: 'a1', name: 'Agent One', role: 'agent', password: PASSWORD, agentId: 'a1', teamIds: ['t1'] },
      { id: 'a3', name: 'Agent Three', role: 'agent', password: PASSWORD, agentId: 'a3', teamIds: ['t2'] },
      { id: 'qa1', name: 'QA', role: 'qa', password: PASSWORD },
      { id: 'pbx', name: 'PBX', role: 'telephony', password: PASSWORD },
    ],
  });
}

export interface AccountsHub {
  app: App;
  url: string;
  accounts: AccountsService;
  db: TestDatabase;
  streamKey: string;
  close(): Promise<void>;
}

/** A hub with seeded database accounts on `backend`. */
export async function startAccountsHub(
  redisUrl: string,
  backend: TestBackend,
  site: SiteConfigInput = accountsSite(),
  extra: Partial<AppDeps> = {},
  accountsOpts: Partial<AccountsOptions> = {},
): Promise<AccountsHub> {
  const db = await backend.create();
  const config = parseSiteConfig(site);
  const accounts = await AccountsService.open({ database: db.database, redisUrl, siteId: config.id, logger: pino({ level: 'silent' }), auditBatchDelayMs: 5, ...accountsOpts });
  await accounts.seedSite(config);
  const { app, url, streamKey } = await startHub(redisUrl, site, { accounts, mounts: [adminRoutes(accounts)], ...extra });
  return {
    app,
    url,
    accounts,
    db,
    streamKey,
    async close() {
      await app.close();
      await accounts.close();
      await db.drop();
    },
  };
}

export async function login(url: string, username: string, password = PASSWORD): Promise<{ status: number; token?: string; json: any }> {
  const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const json = (await r.json()) as any;
  return { status: r.status, token: json.token, json };
}

export async function call(url: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined };
}
