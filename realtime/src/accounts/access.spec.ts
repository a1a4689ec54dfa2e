/**
 * The access matrix, table-driven: every role x action x scope, with and without each grant, checked
 * through the real hub (Socket.IO commands, REST) with database accounts, and through `authorize`.
 * The expected table is written out here by hand, independent of `ACCESS_MATRIX`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { ACCESS_KINDS, DEFAULT_ACCESS, authorize, type AccessKind, type Action, type Target } from './access.ts';
import { commandFailMessage, type Role } from '../contracts/index.ts';
import { cmd, post, token, type ClientSocket } from '../hub/testing.ts';
import { testBackends } from '../storage/testing.ts';
import { call, startAccountsHub, type AccountsHub } from './testing.ts';

const redisUrl = inject('redisUrl');

/** Every case: what it exercises, and the grant it needs. */
const CASES = {
  'connect console': 'console',
  'desk: own agent state': 'phone',
  'queue: open/close': 'console',
  'queue: priority': 'console',
  'force state: agent of own team': 'console',
  'force state: agent of another team': 'console',
  'force state: agent without team': 'console',
  'move: agent of own team': 'console',
  'move: agent of another team': 'console',
  'move: agent without team': 'console',
  'reports: metrics': 'console',
  'reports: calls': 'console',
  'telephony: ingest': 'phone',
  'telephony: socket': 'phone',
  'admin: users': 'console',
  'admin: audit': 'console',
  'numbers unmasked': null,
} as const satisfies Record<string, AccessKind | null>;
type Case = keyof typeof CASES;

const Y = true;
const N = false;
// Columns in the order of CASES.
const EXPECTED: Record<Role, boolean[]> = {
  //         conn desk  q-oc q-pr  f-own f-oth f-none m-own m-oth m-none met  calls ing  tsock users audit nums
  admin:      [Y,  N,    Y,   Y,    Y,    Y,    Y,     Y,    Y,    Y,     Y,   Y,    Y,   Y,    Y,    Y,    Y],
  supervisor: [Y,  N,    Y,   Y,    Y,    Y,    Y,     Y,    Y,    Y,     Y,   Y,    N,   N,    N,    N,    N],
  team_lead:  [Y,  N,    N,   N,    Y,    N,    N,     Y,    N,    N,     Y,   Y,    N,   N,    N,    N,    N],
  agent:      [Y,  Y,    N,   N,    N,    N,    N,     N,    N,    N,     N,   N,    N,   N,    N,    N,    N],
  qa:         [Y,  N,    N,   N,    N,    N,    N,     N,    N,    N,     Y,   Y,    N,   N,    N,    N,    N],
  telephony:  [N,  N,    N,   N,    N,    N,    N,     N,    N,    N,     N,   N,    Y,   Y,    N,    N,    N],
};
const ROLES = Object.keys(EXPECTED) as Role[];
const NUMBER = '+84901234567';

function expected(role: Role, without: AccessKind | undefined): Record<Case, boolean> {
  const cases = Object.keys(CASES) as Case[];
  return Object.fromEntries(
    cases.map((c, i) => {
      const grant = CASES[c] as AccessKind | null;
      // Without the console nothing on the console's socket works (commands included).
      // (Numbers are read on the console, so they need it too.)
      const needsSocket = (i >= 1 && i <= 9) || c === 'numbers unmasked';
      const denied = (grant !== null && grant === without) || (needsSocket && without === 'console');
      return [c, EXPECTED[role][i]! && !denied];
    }),
  ) as Record<Case, boolean>;
}

/** The identity each role acts as: team lead of t1, agent a1 (team t1). */
function sessionOf(role: Role) {
  return {
    userId: `matrix-${role}`,
    teamIds: role === 'team_lead' || role === 'agent' ? ['t1'] : [],
    ...(role === 'agent' ? { agentId: 'a1' } : {}),
  };
}

function open(url: string, tok: string, nsp = ''): Promise<ClientSocket | undefined> {
  const s: ClientSocket = connect(url + nsp, { auth: { token: tok }, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', () => {
      s.disconnect();
      resolve(undefined);
    });
  });
}

describe('access matrix: every role x action x scope, with and without each grant', () => {
  let h: AccountsHub;
  beforeAll(async () => {
    h = await startAccountsHub(redisUrl, testBackends()[0]!);
    // A waiting call with a caller number, for the masking column.
    const r = await post(h.url, '/api/v1/events', token('telephony'), { id: 'm1', type: 'call.offered', at: new Date().toISOString(), callId: 'cm1', queue: 'advice', direction: 'inbound', from: NUMBER });
    expect(r.json.accepted).toBe(1);
  });
  afterAll(async () => {
    await h?.close();
  });

  const variants = ROLES.flatMap((role) => [undefined, ...DEFAULT_ACCESS[role]].map((without) => ({ role, without, label: without ? `without ${without}` : 'with its default grants' })));

  it.each(variants)('$role $label', async ({ role, without }) => {
    const access = DEFAULT_ACCESS[role].filter((a) => a !== without);
    const tok = token(role, { ...sessionOf(role), access });
    const allowed = async (p: Promise<{ ok: boolean; error?: { code: string } }>) => {
      const r = await p;
      return r.ok || r.error?.code !== 'forbidden';
    };
    const rest = async (method: string, path: string, body?: unknown) => {
      const r = await call(h.url, method, path, tok, body);
      expect([200, 403]).toContain(r.status);
      return r.status === 200;
    };
    const sock = await open(h.url, tok);
    const command = (name: string, payload: unknown) => (sock ? allowed(cmd(sock, name, payload)) : Promise.resolve(false));
    const tel = await open(h.url, tok, '/telephony');
    tel?.disconnect();
    const snap = await call(h.url, 'GET', '/api/v1/snapshot', tok);
    const actual: Record<Case, boolean> = {
      'connect console': sock !== undefined,
      'desk: own agent state': await command('agent:setState', { state: 'break' }),
      'queue: open/close': await command('queue:setOpen', { queue: 'booking', open: true }),
      'queue: priority': await command('queue:setPriority', { queue: 'booking', priority: 2 }),
      'force state: agent of own team': await command('agent:forceState', { agentId: 'a2', state: 'break' }),
      'force state: agent of another team': await command('agent:forceState', { agentId: 'a3', state: 'break' }),
      'force state: agent without team': await command('agent:forceState', { agentId: 'a4', state: 'break' }),
      'move: agent of own team': await command('agent:move', { agentId: 'a2', queues: ['booking'] }),
      'move: agent of another team': await command('agent:move', { agentId: 'a3', queues: ['booking'] }),
      'move: agent without team': await command('agent:move', { agentId: 'a4', queues: ['advice'] }),
      'reports: metrics': await rest('GET', '/api/v1/metrics'),
      'reports: calls': await rest('GET', '/api/v1/calls'),
      'telephony: ingest': await rest('POST', '/api/v1/events', []),
      'telephony: socket': tel !== undefined,
      'admin: users': await rest('GET', '/api/v1/admin/users'),
      'admin: audit': await rest('GET', '/api/v1/audit'),
      'numbers unmasked': snap.status === 200 && snap.json.calls.find((c: { id: string }) => c.id === 'cm1')?.from === NUMBER,
    };
    sock?.disconnect();
    expect(actual).toEqual(expected(role, without));
    // Where the console is open, numbers are otherwise masked (an agent sees only their own calls).
    const seen = snap.status === 200 ? snap.json.calls.find((c: { id: string }) => c.id === 'cm1') : undefined;
    if (snap.status === 200 && role !== 'agent') expect(seen).toBeDefined();
    if (seen && !actual['numbers unmasked']) expect(seen.from).toBe('+8490***4567');
  });
});

describe('authorize: scopes and grants of every action', () => {
  const TARGETS: Record<string, Target> = {
    'the action as such': {},
    'own agent': { agentId: 'a1', teamId: 't1' },
    'agent of own team': { agentId: 'a2', teamId: 't1' },
    'agent of another team': { agentId: 'a3', teamId: 't2' },
    'agent without team': { agentId: 'a4' },
  };
  // role -> action -> the targets it may act on ('*': all of them).
  const MAY: Record<Role, Partial<Record<Action, '*' | string[]>>> = {
    admin: { 'console:connect': '*', 'queue:control': '*', 'agent:control': '*', 'reports:read': '*', 'telephony:ingest': '*', 'numbers:view': '*', 'campaigns:use': '*', 'users:manage': '*', 'audit:read': '*' },
    supervisor: { 'console:connect': '*', 'queue:control': '*', 'agent:control': '*', 'reports:read': '*', 'campaigns:use': '*' },
    team_lead: {
      'console:connect': '*',
      'agent:control': ['the action as such', 'own agent', 'agent of own team'],
      'reports:read': '*',
      'campaigns:use': ['the action as such', 'own agent', 'agent of own team'],
    },
    agent: { 'console:connect': ['the action as such', 'own agent'], 'desk:use': ['the action as such', 'own agent'] },
    qa: { 'console:connect': '*', 'reports:read': '*' },
    telephony: { 'telephony:ingest': '*' },
  };
  const ACTIONS: Action[] = ['console:connect', 'desk:use', 'queue:control', 'agent:control', 'reports:read', 'telephony:ingest', 'numbers:view', 'campaigns:use', 'users:manage', 'audit:read'];
  const GRANT: Record<Action, AccessKind | null> = {
    'console:connect': 'console',
    'desk:use': 'phone',
    'queue:control': 'console',
    'agent:control': 'console',
    'reports:read': 'console',
    'telephony:ingest': 'phone',
    'numbers:view': null,
    'campaigns:use': 'campaigns',
    'users:manage': 'console',
    'audit:read': 'console',
  };

  it.each(ROLES)('%s', (role) => {
    const session = { ...sessionOf(role), role, access: [...ACCESS_KINDS] };
    const got: string[] = [];
    const want: string[] = [];
    for (const action of ACTIONS) {
      for (const [name, target] of Object.entries(TARGETS)) {
        const may = MAY[role][action];
        const allowed = may === '*' || (may !== undefined && may.includes(name));
        want.push(`${action} on ${name}: ${allowed}`);
        got.push(`${action} on ${name}: ${authorize(session, action, target).ok}`);
        // The grant: without it, never; tokens without grants (no database) have the role's defaults.
        const grant = GRANT[action];
        if (grant) expect(authorize({ ...session, access: ACCESS_KINDS.filter((k) => k !== grant) }, action, target).ok).toBe(false);
        expect(authorize({ ...session, access: undefined }, action, target).ok).toBe(allowed && (grant === null || DEFAULT_ACCESS[role].includes(grant)));
      }
    }
    expect(got).toEqual(want);
  });
});

describe('authorize: why it refuses', () => {
  it('given each kind of refusal, then it says why as data, and the sentence is the one the contracts build from it', () => {
    const lead = { ...sessionOf('team_lead'), role: 'team_lead' as const, access: [...ACCESS_KINDS] };
    const agent = { ...sessionOf('agent'), role: 'agent' as const, access: [...ACCESS_KINDS] };
    const refusals = [
      authorize(agent, 'queue:control'),
      authorize({ ...lead, access: ['phone' as const] }, 'reports:read'),
      authorize(lead, 'agent:control', { agentId: 'a3', teamId: 't2' }),
      authorize(agent, 'desk:use', { agentId: 'a9', teamId: 't1' }),
    ];
    expect(refusals.map((d) => (d.ok ? 'ok' : `${d.why} ${JSON.stringify(d.params)}`))).toEqual([
      'role_may_not {"role":"agent","action":"queue:control"}',
      `no_access_grant {"userId":"${lead.userId}","grant":"console"}`,
      'not_your_team {"agentId":"a3"}',
      'not_you {"agentId":"a9"}',
    ]);
    for (const d of refusals.slice(1)) {
      if (d.ok || d.why === 'role_may_not') throw new Error('expected a refusal');
      expect(commandFailMessage(d.why, d.params as never)).toBe(d.reason);
    }
  });
});

