/**
 * The running campaigns' hot state in Redis (a thin I/O wrapper: each transition is one Lua script, so
 * it is atomic and a worker killed at any point leaves a consistent state).
 *
 * Keys under `prefix` (`cb:{site}:camp` by default), per campaign C:
 * - `c:C:cfg` the campaign (JSON) · `c:C:l:L` a lead (hash: ph, tz, seg, cu, nm, st, n, ag, tm)
 * - `c:C:due` the pool, lead -> due time (never attempted and waiting for a retry) · `c:C:due:t:T` a
 *   team's leads · `c:C:due:a:A` an agent's leads (preview / personal)
 * - `c:C:fly` claimed leads with a dial job, lead -> claim time · `c:C:conn` connected calls waiting for
 *   an agent, call id -> drop deadline · `c:C:cnt` leads by status · `c:C:st` running figures
 * - `att:C:L:N` the attempt record: the dial's idempotency key (phase `dialing` / `done`, result)
 * - `dnc:global`, `dnc:C` do-not-call sets · `log` the attempt log stream (followed by the hub notifier
 *   and the database persister) · `running` the set of running campaigns.
 */
import type { Redis } from 'ioredis';
import type { Campaign, Lead, LeadStatus } from './model.ts';

export const callIdOf = (campaignId: string, leadId: string, attempt: number) => `out:${campaignId}:${leadId}:${attempt}`;
export function parseCallId(callId: string): { campaignId: string; leadId: string; attempt: number } | null {
  if (!callId.startsWith('out:')) return null;
  const parts = callId.split(':');
  if (parts.length !== 4) return null;
  const attempt = Number(parts[3]);
  if (!Number.isInteger(attempt)) return null;
  return { campaignId: parts[1]!, leadId: parts[2]!, attempt };
}

/** One entry of the attempt log. */
export type LogEntry =
  | { k: 'dial'; c: string; l: string; n: number; callId: string; phone: string; result: string; at: number; st: LeadStatus; due?: number; q: string; pr: number; nm?: string; ag?: string; offer?: string; script?: string; /** The campaign's name (connected calls: the agent's desk shows it). */ cn?: string }
  | { k: 'answer'; c: string; l: string; n: number; callId: string; agent: string; at: number }
  | { k: 'drop'; c: string; l: string; n: number; callId: string; at: number; st: LeadStatus; due?: number }
  | { k: 'outcome'; c: string; l: string; n: number; callId: string; at: number; st: LeadStatus; due?: number; disposition?: string; revenue?: number; success: boolean; agent?: string; score?: number }
  | { k: 'ended'; c: string; l: string; n: number; callId: string; at: number; st: LeadStatus }
  | { k: 'lead'; c: string; l: string; at: number; st: LeadStatus; n: number; due?: number; why: string; ag?: string | null; tm?: string | null };

const CLAIM = `
-- KEYS[1] due zset, KEYS[2] fly zset, KEYS[3] cnt hash; ARGV: now, max, lead key prefix, full segments (\\n-joined)
-- The due leads are the zset's first ranks: taken out with one ZREMRANGEBYRANK; the counters and the
-- in-flight set are written once per call, not once per lead.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then return {} end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #ids - 1)
local full = {}
for s in string.gmatch(ARGV[4], '[^\\n]+') do full[s] = true end
local out, cnt, fly = {}, {}, {}
for _, id in ipairs(ids) do
  local lk = ARGV[3] .. id
  local v = redis.call('HMGET', lk, 'st', 'n', 'seg', 'ph', 'tz', 'cu', 'nm', 'ag', 'tm')
  if v[1] == 'pending' or v[1] == 'retry' then
    cnt[v[1]] = (cnt[v[1]] or 0) - 1
    if v[3] and full[v[3]] then
      redis.call('HSET', lk, 'st', 'quota')
      cnt['quota'] = (cnt['quota'] or 0) + 1
    else
      local n = tonumber(v[2]) + 1
      redis.call('HSET', lk, 'st', 'dialing', 'n', n, 'was', v[1])
      cnt['dialing'] = (cnt['dialing'] or 0) + 1
      fly[#fly + 1] = ARGV[1]
      fly[#fly + 1] = id
      out[#out + 1] = id
      out[#out + 1] = n
      for j = 3, 9 do out[#out + 1] = v[j] or '' end -- seg, ph, tz, cu, nm, ag, tm
    end
  end
end
for st, d in pairs(cnt) do if d ~= 0 then redis.call('HINCRBY', KEYS[3], st, d) end end
for i = 1, #fly, 1000 do redis.call('ZADD', KEYS[2], unpack(fly, i, math.min(i + 999, #fly))) end
return out`;

const LOAD = `
-- Loads a chunk of leads; a lead already in Redis keeps its hot state. KEYS[1] cnt, KEYS[2] tzs, KEYS[3] personal agents
-- ARGV[1] lead key prefix, then 12 values per lead: id, due key, due score, ph, tz, seg, cu, nm, st, n, ag, tm
-- One ZADD per due set (in chunks), not one per lead.
local added, cnt, tzs, due, dueKeys = 0, {}, {}, {}, {}
for i = 2, #ARGV, 12 do
  local lk = ARGV[1] .. ARGV[i]
  if redis.call('EXISTS', lk) == 0 then
    added = added + 1
    local st = ARGV[i + 8]
    redis.call('HSET', lk, 'ph', ARGV[i + 3], 'tz', ARGV[i + 4], 'seg', ARGV[i + 5], 'cu', ARGV[i + 6], 'nm', ARGV[i + 7], 'st', st, 'n', ARGV[i + 9], 'ag', ARGV[i + 10], 'tm', ARGV[i + 11])
    cnt[st] = (cnt[st] or 0) + 1
    if st == 'pending' or st == 'retry' then
      local d = due[ARGV[i + 1]]
      if not d then d = {}; due[ARGV[i + 1]] = d; dueKeys[#dueKeys + 1] = ARGV[i + 1] end
      d[#d + 1] = ARGV[i + 2]
      d[#d + 1] = ARGV[i]
    end
    if ARGV[i + 10] ~= '' then redis.call('SADD', KEYS[3], ARGV[i + 10]) end
    tzs[ARGV[i + 4]] = true
  end
end
for _, k in ipairs(dueKeys) do
  local d = due[k]
  for j = 1, #d, 1000 do redis.call('ZADD', k, unpack(d, j, math.min(j + 999, #d))) end
end
for st, n in pairs(cnt) do redis.call('HINCRBY', KEYS[1], st, n) end
for tz in pairs(tzs) do redis.call('SADD', KEYS[2], tz) end
return added`;

const UNLOCK = `
-- Deletes a lock only if it still holds this token. KEYS[1] lock; ARGV[1] token
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const RELEASE = `
-- Puts a claimed lead back without a dial (closed window, stopped campaign): attempt not used.
-- KEYS[1] lead, KEYS[2] fly, KEYS[3] due zset, KEYS[4] cnt; ARGV: lead id, attempt, due
local v = redis.call('HMGET', KEYS[1], 'st', 'n', 'was')
if v[1] ~= 'dialing' or tonumber(v[2]) ~= tonumber(ARGV[2]) then return 0 end
local was = v[3] or 'pending'
redis.call('HSET', KEYS[1], 'st', was, 'n', tonumber(v[2]) - 1)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('HINCRBY', KEYS[4], 'dialing', -1)
redis.call('HINCRBY', KEYS[4], was, 1)
return 1`;

const BEGIN = `
-- Marks an attempt as being dialed (idempotency record). KEYS[1] att, KEYS[2] lead; ARGV: attempt, ttl
local v = redis.call('HMGET', KEYS[2], 'st', 'n')
local phase = redis.call('HGET', KEYS[1], 'ph')
if phase == 'done' then return 'done' end
if v[1] ~= 'dialing' or tonumber(v[2]) ~= tonumber(ARGV[1]) then return 'stale' end
if phase == 'dialing' then return 'again' end
redis.call('HSET', KEYS[1], 'ph', 'dialing')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 'new'`;

const PREPARE = `
-- One round trip before a dial: the lead, the attempt record (begin) and the do-not-call lists.
-- KEYS[1] att, KEYS[2] lead, KEYS[3] dnc global, KEYS[4] dnc campaign; ARGV: attempt, ttl
local h = redis.call('HGETALL', KEYS[2])
if #h == 0 then return {'gone'} end
local st, n, ph
for i = 1, #h, 2 do
  if h[i] == 'st' then st = h[i + 1] elseif h[i] == 'n' then n = h[i + 1] elseif h[i] == 'ph' then ph = h[i + 1] end
end
local phase = redis.call('HGET', KEYS[1], 'ph')
local r
if phase == 'done' then r = 'done'
elseif st ~= 'dialing' or tonumber(n) ~= tonumber(ARGV[1]) then r = 'stale'
elseif phase == 'dialing' then r = 'again'
else
  redis.call('HSET', KEYS[1], 'ph', 'dialing')
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
  r = 'new'
end
local dnc = redis.call('SISMEMBER', KEYS[3], ph) + redis.call('SISMEMBER', KEYS[4], ph)
return {r, dnc, h}`;

const FINISH_HEAD = `
-- Records a dial's result once. KEYS: att, lead, fly, due-or-empty, conn, cnt, st, log
-- ARGV: lead id, attempt, result, new status, due (-1 none), call id, drop deadline, log entry, connected(0/1)
local phase = redis.call('HGET', KEYS[1], 'ph')
if phase == 'done' then return 0 end
local v = redis.call('HMGET', KEYS[2], 'st', 'n')
if v[1] ~= 'dialing' or tonumber(v[2]) ~= tonumber(ARGV[2]) then return -1 end
`;

/**
 * A carrier whose network lives in this Redis (the simulated one) places the call in the same script
 * that records it: one round trip less per dial, and never a call placed without its record.
 * KEYS[9] placed calls (call id -> result). A call already placed with another result (the rates
 * changed) returns that result: the caller records it instead.
 */
const PLACE_PART = `
local placed = redis.call('HGET', KEYS[9], ARGV[6])
if placed then
  if placed ~= ARGV[3] then return placed end
else
  redis.call('HSET', KEYS[9], ARGV[6], ARGV[3])
end
`;

const ATT_DONE = `
redis.call('HSET', KEYS[1], 'ph', 'done', 'r', ARGV[3])`;

/** Adds ARGV[1] to every minute sample of a campaign's `attempts` (KEYS[1], `dialsByMinute`). */
const SHIFT_SAMPLES = `
for _, m in ipairs(redis.call('HKEYS', KEYS[1])) do redis.call('HINCRBY', KEYS[1], m, ARGV[1]) end
return 1`;

/**
 * Adds the past dials' attempts, connected and dropped calls (ARGV[1..3]) to every sample of a
 * campaign's drop-rate window (KEYS[1], `dropWindow`: fields `<slot>:a|c|d`).
 */
const SHIFT_WINDOW = `
local add = { a = tonumber(ARGV[1]), c = tonumber(ARGV[2]), d = tonumber(ARGV[3]) }
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  local n = add[string.sub(f, -1)]
  if n and n ~= 0 then redis.call('HINCRBY', KEYS[1], f, n) end
end
return 1`;

/** A campaign's counters the drop-rate cap is held on. */
export interface DropCounts {
  attempts: number;
  connected: number;
  dropped: number;
}
/** The drop-rate window's sampling step. */
export const DROP_SAMPLE_MS = 10 * 60_000;

// The dial rate (the run-out alert) is not kept per dial: pacing samples the `attempts` counter once a
// minute (`CampaignService.runOutAlert`).
const FINISH_REST = `
redis.call('HSET', KEYS[2], 'st', ARGV[4], 'lr', ARGV[3])
redis.call('ZREM', KEYS[3], ARGV[1])
if tonumber(ARGV[5]) >= 0 then redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1]) end
if ARGV[9] == '1' then
  redis.call('ZADD', KEYS[5], ARGV[7], ARGV[6])
  redis.call('HINCRBY', KEYS[7], 'connected', 1)
end
redis.call('HINCRBY', KEYS[7], 'attempts', 1)
redis.call('HINCRBY', KEYS[7], 'r:' .. ARGV[3], 1)
redis.call('HINCRBY', KEYS[6], 'dialing', -1)
redis.call('HINCRBY', KEYS[6], ARGV[4], 1)
redis.call('XADD', KEYS[8], '*', 'e', ARGV[8])
return 1`;
const FINISH = FINISH_HEAD + ATT_DONE + FINISH_REST;
const PLACE_FINISH = FINISH_HEAD + PLACE_PART + ATT_DONE + FINISH_REST;

/**
 * The whole dial in one script, for a lead this process claimed (its fields came with the claim) on a
 * carrier kept in this Redis: the attempt's idempotency, the lead still being this attempt with the same
 * number and assignment, the do-not-call lists, the placement and the record. Anything unusual (-3: the
 * lead changed, a number on a do-not-call list, a dial begun elsewhere) goes the long way (prepare, then
 * finish). KEYS 1-9 as PLACE_FINISH, KEYS[10] dnc global, KEYS[11] dnc campaign; ARGV 1-9 as
 * PLACE_FINISH, ARGV[10] agent, ARGV[11] team, ARGV[12] phone, ARGV[13] attempt record ttl.
 */
const DIAL_ONCE = `
local phase = redis.call('HGET', KEYS[1], 'ph')
if phase == 'done' then return 0 end
local v = redis.call('HMGET', KEYS[2], 'st', 'n', 'ag', 'tm', 'ph')
if v[1] ~= 'dialing' or tonumber(v[2]) ~= tonumber(ARGV[2]) then return -1 end
if phase == 'dialing' then return -3 end
if (v[3] or '') ~= ARGV[10] or (v[4] or '') ~= ARGV[11] or v[5] ~= ARGV[12] then return -3 end
if redis.call('SISMEMBER', KEYS[10], ARGV[12]) + redis.call('SISMEMBER', KEYS[11], ARGV[12]) > 0 then return -3 end
` + PLACE_PART + ATT_DONE + `
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[13]))` + FINISH_REST;

const RESOLVE = `
-- What happened to a connected call: answer / drop / ended / outcome, each applied once.
-- KEYS: att, lead, conn, due-or-empty, cnt, st, log; ARGV: kind, call id, attempt, new status ('' keep), due, log entry, lead id, stat fields (\\n-joined k=v)
local kind = ARGV[1]
if redis.call('HEXISTS', KEYS[1], kind) == 1 then return 0 end
local v = redis.call('HMGET', KEYS[2], 'st', 'n')
if not v[1] then return -1 end
if kind == 'drop' then
  if redis.call('ZREM', KEYS[3], ARGV[2]) == 0 then return 0 end
elseif kind == 'answer' then
  redis.call('ZREM', KEYS[3], ARGV[2])
  if redis.call('HGET', KEYS[1], 'drop') then
    -- The hub connected it after all: not a drop.
    redis.call('HDEL', KEYS[1], 'drop')
    redis.call('HINCRBY', KEYS[6], 'dropped', -1)
    if v[1] ~= 'connected' and tonumber(v[2]) == tonumber(ARGV[3]) then
      redis.call('ZREM', KEYS[4] ~= '' and KEYS[4] or KEYS[3], ARGV[7])
      redis.call('HINCRBY', KEYS[5], v[1], -1)
      redis.call('HINCRBY', KEYS[5], 'connected', 1)
      redis.call('HSET', KEYS[2], 'st', 'connected')
      v[1] = 'connected'
    end
  end
end
redis.call('HSET', KEYS[1], kind, '1')
for kv in string.gmatch(ARGV[8], '[^\\n]+') do
  local eq = string.find(kv, '=', 1, true)
  local f = string.sub(kv, 1, eq - 1)
  local n = tonumber(string.sub(kv, eq + 1))
  if string.sub(f, 1, 2) == 'f:' then redis.call('HINCRBYFLOAT', KEYS[6], string.sub(f, 3), n) else redis.call('HINCRBY', KEYS[6], f, n) end
end
-- The lead moves only if this call is its latest attempt and it is not already finished for good.
if ARGV[4] ~= '' and tonumber(v[2]) == tonumber(ARGV[3]) and v[1] ~= 'dnc' and v[1] ~= 'invalid' then
  if v[1] ~= ARGV[4] then
    redis.call('HINCRBY', KEYS[5], v[1], -1)
    redis.call('HINCRBY', KEYS[5], ARGV[4], 1)
    redis.call('HSET', KEYS[2], 'st', ARGV[4])
  end
  if tonumber(ARGV[5]) >= 0 and KEYS[4] ~= '' then redis.call('ZADD', KEYS[4], ARGV[5], ARGV[7]) end
end
redis.call('XADD', KEYS[7], '*', 'e', ARGV[6])
return 1`;

const SET_STATUS = `
-- Moves a lead to a status outside a dial (dnc, invalid, quota, reassigned...). KEYS: lead, cnt, fly, from-zset-or-empty, to-zset-or-empty, log
-- ARGV: lead id, status, due, log entry, expected status ('' any)
local st = redis.call('HGET', KEYS[1], 'st')
if not st then return -1 end
if ARGV[5] ~= '' and st ~= ARGV[5] then return 0 end
if st ~= ARGV[2] then
  redis.call('HINCRBY', KEYS[2], st, -1)
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
  redis.call('HSET', KEYS[1], 'st', ARGV[2])
end
redis.call('ZREM', KEYS[3], ARGV[1])
if KEYS[4] ~= '' then redis.call('ZREM', KEYS[4], ARGV[1]) end
if KEYS[5] ~= '' then redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1]) end
if ARGV[4] ~= '' then redis.call('XADD', KEYS[6], '*', 'e', ARGV[4]) end
return 1`;

/** The leads of one campaign, as loaded into Redis. */
export interface HotLead {
  id: string;
  phone: string;
  timeZone: string;
  segment: string | null;
  customerId: string;
  name: string | null;
  status: LeadStatus;
  attempts: number;
  nextAt: number | null;
  assignedAgentId: string | null;
  assignedTeamId: string | null;
}

export type HotLeadView = Omit<Lead, 'campaignId' | 'nextAt'> & { lastResult: string | null };

function viewOf(id: string, h: Record<string, string>): HotLeadView {
  return {
    id,
    phone: h.ph!,
    timeZone: h.tz!,
    segment: h.seg || null,
    customerId: h.cu!,
    name: h.nm || null,
    status: h.st as LeadStatus,
    attempts: Number(h.n),
    assignedAgentId: h.ag || null,
    assignedTeamId: h.tm || null,
    lastResult: h.lr ?? null,
  };
}

type Cmd = Redis & {
  cbClaim(due: string, fly: string, cnt: string, now: number, max: number, leadPrefix: string, full: string): Promise<(string | number)[]>;
  cbLoad(...args: (string | number)[]): Promise<number>;
  cbUnlock(lock: string, token: string): Promise<number>;
  cbRelease(lead: string, fly: string, due: string, cnt: string, leadId: string, attempt: number, due2: number): Promise<number>;
  cbBegin(att: string, lead: string, attempt: number, ttl: number): Promise<'done' | 'stale' | 'again' | 'new'>;
  cbFinish(...args: (string | number)[]): Promise<number>;
  cbPlaceFinish(...args: (string | number)[]): Promise<number | string>;
  cbDialOnce(...args: (string | number)[]): Promise<number | string>;
  cbPrepare(att: string, lead: string, dncG: string, dncC: string, attempt: number, ttl: number): Promise<[string, number?, string[]?]>;
  cbResolve(...args: (string | number)[]): Promise<number>;
  cbSetStatus(...args: (string | number)[]): Promise<number>;
};

export class CampaignStore {
  readonly redis: Cmd;
  constructor(
    redis: Redis,
    readonly prefix: string,
  ) {
    this.redis = redis as Cmd;
    if (!(redis as unknown as Partial<Cmd>).cbClaim) {
      redis.defineCommand('cbClaim', { numberOfKeys: 3, lua: CLAIM });
      redis.defineCommand('cbLoad', { numberOfKeys: 3, lua: LOAD });
      redis.defineCommand('cbRelease', { numberOfKeys: 4, lua: RELEASE });
      redis.defineCommand('cbUnlock', { numberOfKeys: 1, lua: UNLOCK });
      redis.defineCommand('cbBegin', { numberOfKeys: 2, lua: BEGIN });
      redis.defineCommand('cbFinish', { numberOfKeys: 8, lua: FINISH });
      redis.defineCommand('cbPlaceFinish', { numberOfKeys: 9, lua: PLACE_FINISH });
      redis.defineCommand('cbDialOnce', { numberOfKeys: 11, lua: DIAL_ONCE });
      redis.defineCommand('cbPrepare', { numberOfKeys: 4, lua: PREPARE });
      redis.defineCommand('cbResolve', { numberOfKeys: 7, lua: RESOLVE });
      redis.defineCommand('cbSetStatus', { numberOfKeys: 6, lua: SET_STATUS });
    }
  }

  // ----------------------------------------------------------------------------------- keys
  k = {
    cfg: (c: string) => `${this.prefix}:c:${c}:cfg`,
    lead: (c: string, l: string) => `${this.prefix}:c:${c}:l:${l}`,
    leadPrefix: (c: string) => `${this.prefix}:c:${c}:l:`,
    due: (c: string) => `${this.prefix}:c:${c}:due`,
    dueTeam: (c: string, t: string) => `${this.prefix}:c:${c}:due:t:${t}`,
    dueAgent: (c: string, a: string) => `${this.prefix}:c:${c}:due:a:${a}`,
    fly: (c: string) => `${this.prefix}:c:${c}:fly`,
    conn: (c: string) => `${this.prefix}:c:${c}:conn`,
    cnt: (c: string) => `${this.prefix}:c:${c}:cnt`,
    st: (c: string) => `${this.prefix}:c:${c}:st`,
    /** Past imports' figures not yet in `st`, by one of their call ids (`CampaignService.importPastDials`). */
    pastPending: (c: string) => `${this.prefix}:c:${c}:st:pending`,
    pace: (c: string) => `${this.prefix}:c:${c}:pace`,
    tzs: (c: string) => `${this.prefix}:c:${c}:tzs`,
    /** Before: every dial's time (a zset); cleared with a finished campaign's keys. */
    dialTimes: (c: string) => `${this.prefix}:c:${c}:dialt`,
    /** The `attempts` counter sampled by pacing, minute -> attempts (the run-out alert's dial rate). */
    dialsByMinute: (c: string) => `${this.prefix}:c:${c}:dialm`,
    /** `attempts`, `connected` and `dropped` sampled by pacing, `<slot>:a|c|d` -> count, and the sampling `step` in ms (the drop-rate window). */
    dropWindow: (c: string) => `${this.prefix}:c:${c}:dropw`,
    att: (c: string, l: string, n: number) => `${this.prefix}:att:${c}:${l}:${n}`,
    dnc: (scope: string) => `${this.prefix}:dnc:${scope}`,
    log: () => `${this.prefix}:log`,
    pos: (name: string) => `${this.prefix}:pos:${name}`,
    running: () => `${this.prefix}:running`,
    loaded: (c: string) => `${this.prefix}:c:${c}:loaded`,
    /** Agents with personal leads (so pacing looks only at their due sets). */
    personal: (c: string) => `${this.prefix}:c:${c}:pa`,
    paceLock: (c: string) => `${this.prefix}:c:${c}:pacelock`,
    /** Held by one pacing cycle at a time across campaigns: their agents may be the same people. */
    pacePoolLock: () => `${this.prefix}:pacelock`,
    /** Stopped or completed campaigns whose per-lead keys are still to be cleared, -> when they finished. */
    finishing: () => `${this.prefix}:finishing`,
    finalizeLock: (c: string) => `${this.prefix}:c:${c}:finlock`,
  };

  /** Every key matching `pattern` (SCAN, in pages of about `count`). */
  async *scanKeys(pattern: string, count = 1000): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }

  /** The zset a lead waits in: its agent's, its team's or the pool. */
  dueKeyOf(c: string, lead: { assignedAgentId?: string | null; assignedTeamId?: string | null; ag?: string | null; tm?: string | null }): string {
    const ag = lead.assignedAgentId ?? lead.ag;
    const tm = lead.assignedTeamId ?? lead.tm;
    if (ag) return this.k.dueAgent(c, ag);
    if (tm) return this.k.dueTeam(c, tm);
    return this.k.due(c);
  }

  // ------------------------------------------------------------------------------ campaigns
  async putCampaign(c: Campaign): Promise<void> {
    await this.redis.set(this.k.cfg(c.id), JSON.stringify(c));
    if (c.status === 'running') await this.redis.sadd(this.k.running(), c.id);
    else await this.redis.srem(this.k.running(), c.id);
  }
  async getCampaign(id: string): Promise<Campaign | null> {
    const s = await this.redis.get(this.k.cfg(id));
    return s ? (JSON.parse(s) as Campaign) : null;
  }
  running(): Promise<string[]> {
    return this.redis.smembers(this.k.running());
  }

  /**
   * Loads leads that are not finished into Redis (a campaign's start, or an import into a loaded
   * campaign). A lead already in Redis keeps its hot state: Redis is ahead of the database.
   */
  async loadLeads(c: string, leads: readonly HotLead[], now: number, markLoaded = true): Promise<number> {
    let added = 0;
    // One script per 1,000 leads (it skips leads already there): a few round trips for a whole list.
    for (let i = 0; i < leads.length; i += 1000) {
      const args: (string | number)[] = [this.k.cnt(c), this.k.tzs(c), this.k.personal(c), this.k.leadPrefix(c)];
      for (const l of leads.slice(i, i + 1000)) {
        // A lead the database saw dialing or connected when the workers stopped is due again now:
        // its attempt record decides whether that dial happened (it is never repeated).
        const st: LeadStatus = l.status === 'dialing' || l.status === 'connected' ? (l.attempts > 0 ? 'retry' : 'pending') : l.status;
        args.push(l.id, this.dueKeyOf(c, l), Math.max(0, l.nextAt ?? now), l.phone, l.timeZone, l.segment ?? '', l.customerId, l.name ?? '', st, l.attempts, l.assignedAgentId ?? '', l.assignedTeamId ?? '');
      }
      added += await this.redis.cbLoad(...args);
    }
    if (markLoaded) await this.markLoaded(c);
    return added;
  }
  /** Every workable lead of `c` is in Redis (pacing may complete the campaign when none is left). */
  async markLoaded(c: string): Promise<void> {
    await this.redis.set(this.k.loaded(c), '1');
  }
  async isLoaded(c: string): Promise<boolean> {
    return (await this.redis.exists(this.k.loaded(c))) === 1;
  }

  async getLead(c: string, l: string): Promise<HotLeadView | null> {
    const h = await this.redis.hgetall(this.k.lead(c, l));
    if (!h.ph) return null;
    return viewOf(l, h);
  }

  // ---------------------------------------------------------------------------- transitions
  /** Claims up to `max` due leads of one due zset for dialing; returns [leadId, attempt] pairs. */
  async claim(c: string, dueKey: string, now: number, max: number, fullSegments: readonly string[] = []): Promise<[string, number][]> {
    if (max <= 0) return [];
    const r = await this.redis.cbClaim(dueKey, this.k.fly(c), this.k.cnt(c), now, max, this.k.leadPrefix(c), fullSegments.join('\n'));
    const out: [string, number][] = [];
    let mine = this.claimed.get(c);
    if (!mine) this.claimed.set(c, (mine = new Map()));
    for (let i = 0; i < r.length; i += 9) {
      const id = String(r[i]);
      const n = Number(r[i + 1]);
      out.push([id, n]);
      const seg = String(r[i + 2]);
      const nm = String(r[i + 6]);
      const ag = String(r[i + 7]);
      const tm = String(r[i + 8]);
      mine.set(id, {
        id,
        phone: String(r[i + 3]),
        timeZone: String(r[i + 4]),
        segment: seg || null,
        customerId: String(r[i + 5]),
        name: nm || null,
        status: 'dialing',
        attempts: n,
        assignedAgentId: ag || null,
        assignedTeamId: tm || null,
        lastResult: null,
      });
    }
    // Claims whose dial jobs ran in another process are never taken here: keep the latest 20,000.
    if (mine.size > 20_000) {
      for (const k of mine.keys()) {
        if (mine.size <= 20_000) break;
        mine.delete(k);
      }
    }
    return out;
  }

  /** Leads this process claimed, by campaign and lead, as the claim saw them (the dial job's one-script path). */
  private readonly claimed = new Map<string, Map<string, HotLeadView>>();

  /** The lead as this process claimed it for `attempt`, once (undefined: claimed elsewhere, or taken). */
  takeClaimed(c: string, l: string, attempt: number): HotLeadView | undefined {
    const mine = this.claimed.get(c);
    const h = mine?.get(l);
    if (!h || h.attempts !== attempt) return undefined;
    mine!.delete(l);
    return h;
  }

  /** Deletes `lock` if it still holds `token` (one round trip). */
  unlock(lock: string, token: string): Promise<number> {
    return this.redis.cbUnlock(lock, token);
  }

  release(c: string, l: string, attempt: number, dueKey: string, due: number): Promise<number> {
    return this.redis.cbRelease(this.k.lead(c, l), this.k.fly(c), dueKey, this.k.cnt(c), l, attempt, due);
  }

  /** The lead, the attempt's idempotency state (as `begin`) and whether its number is on a do-not-call list. */
  async prepare(c: string, l: string, attempt: number): Promise<{ phase: 'done' | 'stale' | 'again' | 'new'; dnc: boolean; lead: HotLeadView } | null> {
    const r = await this.redis.cbPrepare(this.k.att(c, l, attempt), this.k.lead(c, l), this.k.dnc('global'), this.k.dnc(c), attempt, 7 * 86_400);
    if (r[0] === 'gone') return null;
    const h: Record<string, string> = {};
    const arr = r[2]!;
    for (let i = 0; i < arr.length; i += 2) h[arr[i]!] = arr[i + 1]!;
    return { phase: r[0] as 'new', dnc: Number(r[1]) > 0, lead: viewOf(l, h) };
  }

  /**
   * The whole dial as one script (see DIAL_ONCE): 1 recorded, 0 recorded before, -1 stale, -3 take the
   * long way, or the network's earlier result for this call (a string).
   */
  dialOnce(a: Parameters<CampaignStore['finish']>[0] & { place: { placed: string }; lead: HotLeadView }): Promise<number | string> {
    const ck = this.keysOf(a.c);
    return this.redis.cbDialOnce(
      `${this.prefix}:att:${a.c}:${a.l}:${a.n}`,
      ck.leadPrefix + a.l,
      ck.fly,
      a.dueKey ?? ck.due,
      ck.conn,
      ck.cnt,
      ck.st,
      ck.log,
      a.place.placed,
      ck.dncGlobal,
      ck.dnc,
      a.l,
      a.n,
      a.result,
      a.status,
      a.due ?? -1,
      a.callId,
      a.dropDeadline,
      JSON.stringify(a.entry),
      a.result === 'connected' ? '1' : '0',
      a.lead.assignedAgentId ?? '',
      a.lead.assignedTeamId ?? '',
      a.lead.phone,
      7 * 86_400,
    );
  }

  /** A campaign's fixed key names, built once (the dial path names a dozen keys per dial). */
  private keysOf(c: string) {
    let ck = this.campaignKeys.get(c);
    if (!ck) {
      const k = this.k;
      ck = { leadPrefix: k.leadPrefix(c), fly: k.fly(c), due: k.due(c), conn: k.conn(c), cnt: k.cnt(c), st: k.st(c), log: k.log(), dncGlobal: k.dnc('global'), dnc: k.dnc(c) };
      if (this.campaignKeys.size > 1000) this.campaignKeys.clear();
      this.campaignKeys.set(c, ck);
    }
    return ck;
  }
  private readonly campaignKeys = new Map<string, { leadPrefix: string; fly: string; due: string; conn: string; cnt: string; st: string; log: string; dncGlobal: string; dnc: string }>();

  begin(c: string, l: string, attempt: number): Promise<'done' | 'stale' | 'again' | 'new'> {
    return this.redis.cbBegin(this.k.att(c, l, attempt), this.k.lead(c, l), attempt, 7 * 86_400);
  }

  finish(a: {
    c: string;
    l: string;
    n: number;
    result: string;
    status: LeadStatus;
    dueKey?: string;
    due?: number;
    callId: string;
    dropDeadline: number;
    entry: LogEntry;
    /** Place the call on a network kept in this Redis, in the same script (see PLACE_PART). */
    place?: { placed: string };
  }): Promise<number | string> {
    const k = this.k;
    const keysAndArgs: (string | number)[] = [
      k.att(a.c, a.l, a.n),
      k.lead(a.c, a.l),
      k.fly(a.c),
      a.dueKey ?? k.due(a.c),
      k.conn(a.c),
      k.cnt(a.c),
      k.st(a.c),
      k.log(),
      a.l,
      a.n,
      a.result,
      a.status,
      a.due ?? -1,
      a.callId,
      a.dropDeadline,
      JSON.stringify(a.entry),
      a.result === 'connected' ? '1' : '0',
    ];
    if (!a.place) return this.redis.cbFinish(...keysAndArgs);
    // KEYS[9] goes after the 8 keys.
    keysAndArgs.splice(8, 0, a.place.placed);
    return this.redis.cbPlaceFinish(...keysAndArgs);
  }

  resolve(a: {
    kind: 'answer' | 'drop' | 'ended' | 'outcome';
    c: string;
    l: string;
    n: number;
    callId: string;
    status?: LeadStatus;
    dueKey?: string;
    due?: number;
    stats?: Record<string, number>;
    entry: LogEntry;
  }): Promise<number> {
    const k = this.k;
    const stats = Object.entries(a.stats ?? {})
      .map(([f, v]) => `${f}=${v}`)
      .join('\n');
    return this.redis.cbResolve(
      k.att(a.c, a.l, a.n),
      k.lead(a.c, a.l),
      k.conn(a.c),
      a.dueKey ?? '',
      k.cnt(a.c),
      k.st(a.c),
      k.log(),
      a.kind,
      a.callId,
      a.n,
      a.status ?? '',
      a.due ?? -1,
      JSON.stringify(a.entry),
      a.l,
      stats,
    );
  }

  setStatus(a: { c: string; l: string; status: LeadStatus; fromKey?: string; toKey?: string; due?: number; entry?: LogEntry; expect?: LeadStatus }): Promise<number> {
    return this.redis.cbSetStatus(
      this.k.lead(a.c, a.l),
      this.k.cnt(a.c),
      this.k.fly(a.c),
      a.fromKey ?? '',
      a.toKey ?? '',
      this.k.log(),
      a.l,
      a.status,
      a.due ?? 0,
      a.entry ? JSON.stringify(a.entry) : '',
      a.expect ?? '',
    );
  }

  /**
   * Dials of campaign `c` in the last 15 minutes (the run-out alert's rate), from its `attempts` counter
   * sampled once a minute by pacing (minute -> attempts at its first pacing cycle, in a small hash)
   * instead of a record per dial: attempts now - attempts at the latest sample at least 15 minutes old
   * (the oldest sample while the campaign is younger). Samples older than that one are dropped.
   */
  async recentDials(c: string, now: number, attempts: number): Promise<number> {
    const key = this.k.dialsByMinute(c);
    const minute = Math.floor(now / 60_000);
    const from = minute - 15;
    const h = await this.redis.hgetall(key);
    let base: number | undefined;
    let baseMinute = -Infinity;
    let oldest = Infinity;
    let oldestValue: number | undefined;
    for (const [m, v] of Object.entries(h)) {
      const mm = Number(m);
      if (mm <= from && mm > baseMinute) {
        baseMinute = mm;
        base = Number(v);
      }
      if (mm < oldest) {
        oldest = mm;
        oldestValue = Number(v);
      }
    }
    const stale = Object.keys(h).filter((m) => Number(m) < baseMinute);
    if (!(String(minute) in h)) await this.redis.hset(key, String(minute), attempts);
    if (stale.length) await this.redis.hdel(key, ...stale);
    return attempts - (base ?? oldestValue ?? attempts);
  }

  /**
   * Campaign `c`'s attempts, connected and dropped calls over the last `windowMs` (the drop-rate cap's
   * window; 0: the whole campaign, `cur` as it is): the counters now minus their sample at the window's
   * start. Pacing samples them every 10 minutes (`DROP_SAMPLE_MS`; a longer step for windows over a day,
   * so there are never more than ~144 samples; the first cycle of each step) into a small hash instead of
   * a record per dial. The base is the latest sample taken at or before the
   * window's start, or the oldest while the campaign is younger (its life so far); older samples are
   * dropped. Past dials (`addPast`) shift the samples: they never count as the dialer's recent ones.
   */
  async windowCounts(c: string, now: number, windowMs: number, cur: DropCounts): Promise<DropCounts> {
    if (windowMs <= 0) return cur;
    const key = this.k.dropWindow(c);
    // At most ~144 samples whatever the window: 10 minutes for a day, 5 hours for 30 days. A new step
    // (the window was changed) starts the samples afresh: the window is then the time since.
    const step = Math.max(DROP_SAMPLE_MS, Math.ceil(windowMs / 144 / DROP_SAMPLE_MS) * DROP_SAMPLE_MS);
    const slot = Math.floor(now / step);
    const start = Math.floor((now - windowMs) / step);
    const h = await this.redis.hgetall(key);
    const same = h.step === String(step);
    const samples = new Map<number, DropCounts>();
    if (same) {
      for (const [f, v] of Object.entries(h)) {
        if (f === 'step') continue;
        const at = Number(f.slice(0, -2));
        const x = samples.get(at) ?? { attempts: 0, connected: 0, dropped: 0 };
        const n = Number(v);
        if (f.endsWith(':a')) x.attempts = n;
        else if (f.endsWith(':c')) x.connected = n;
        else x.dropped = n;
        samples.set(at, x);
      }
    }
    const slots = [...samples.keys()].sort((a, b) => a - b);
    const baseSlot = slots.filter((x) => x <= start).at(-1) ?? slots[0];
    const base = baseSlot === undefined ? cur : samples.get(baseSlot)!;
    if (!same) await this.redis.multi().del(key).hset(key, 'step', step, `${slot}:a`, cur.attempts, `${slot}:c`, cur.connected, `${slot}:d`, cur.dropped).exec();
    else if (!samples.has(slot)) await this.redis.hset(key, `${slot}:a`, cur.attempts, `${slot}:c`, cur.connected, `${slot}:d`, cur.dropped);
    const stale = slots.filter((x) => baseSlot !== undefined && x < baseSlot).flatMap((x) => [`${x}:a`, `${x}:c`, `${x}:d`]);
    if (stale.length) await this.redis.hdel(key, ...stale);
    const d = (k: keyof DropCounts) => Math.max(0, cur[k] - base[k]);
    return { attempts: d('attempts'), connected: d('connected'), dropped: d('dropped') };
  }

  async isDnc(c: string, phone: string): Promise<boolean> {
    const p = this.redis.pipeline();
    p.sismember(this.k.dnc('global'), phone);
    p.sismember(this.k.dnc(c), phone);
    const r = (await p.exec()) ?? [];
    return r.some((x) => x[1] === 1);
  }

  async counts(c: string): Promise<Record<string, number>> {
    const h = await this.redis.hgetall(this.k.cnt(c));
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
  }
  /**
   * Adds past dials' figures (`importPastDials`): `stats` as the live path counts them (`f:` fields as
   * floats) and, for a campaign whose leads are in Redis, the past leads' statuses to its counts. `pending`
   * is the field that noted them in `pastPending`: it is deleted in the same transaction, so they are
   * added once.
   */
  async addPast(c: string, stats: Readonly<Record<string, number>>, statuses: Readonly<Record<string, number>>, pending?: string): Promise<void> {
    const p = this.redis.multi();
    for (const [f, n] of Object.entries(stats)) {
      if (f.startsWith('f:')) p.hincrbyfloat(this.k.st(c), f.slice(2), n);
      else p.hincrby(this.k.st(c), f, n);
    }
    if (await this.isLoaded(c)) for (const [st, n] of Object.entries(statuses)) p.hincrby(this.k.cnt(c), st, n);
    // Past dials are not recent ones: the run-out alert's minute samples of `attempts` move up with it, so
    // their differences (dials made in the last 15 minutes) stay the dialer's own.
    if (stats.attempts) p.eval(SHIFT_SAMPLES, 1, this.k.dialsByMinute(c), stats.attempts);
    // So do the drop-rate window's: a past day's drops are not today's.
    if (stats.attempts || stats.connected || stats.dropped) p.eval(SHIFT_WINDOW, 1, this.k.dropWindow(c), stats.attempts ?? 0, stats.connected ?? 0, stats.dropped ?? 0);
    if (pending !== undefined) p.hdel(this.k.pastPending(c), pending);
    await p.exec();
  }
  async stats(c: string): Promise<Record<string, number>> {
    const h = await this.redis.hgetall(this.k.st(c));
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
  }
}
