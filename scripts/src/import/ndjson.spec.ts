import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../realtime/src/contracts/index.ts';
import { agentStateHistory, calls } from '../../../realtime/src/storage/schema.ts';
import { testBackends, type TestDatabase } from '../../../realtime/src/storage/testing.ts';
import { detectFormat, importFile, maskReason } from './run.ts';

/** booking: hub-routed with 30 s wrap-up (as in the demo site). */
const siteConfig = parseSiteConfig({
  id: 'ndjson-test',
  queues: [{ id: 'booking', name: 'Booking', wrapupSec: 30 }],
  agents: [{ id: 'a1', name: 'Agent One', queues: ['booking'] }],
});

const at = (s: number) => new Date(Date.parse('2026-03-02T08:00:00+07:00') + s * 1000).toISOString();
const lines = [
  { id: 'e1', type: 'agent.login', at: at(0), agentId: 'a1' },
  { id: 'e2', type: 'agent.state', at: at(0), agentId: 'a1', state: 'available' },
  { id: 'e3', type: 'call.offered', at: at(10), callId: 'c1', queue: 'booking', direction: 'inbound', from: '+84901234567' },
  { id: 'e4', type: 'call.answered', at: at(15), callId: 'c1', agentId: 'a1' },
  { id: 'e5', type: 'call.ended', at: at(75), callId: 'c1' },
  { id: 'e6', type: 'call.outcome', at: at(80), callId: 'c1', disposition: 'booked' },
  // No "available" from the phone system: the wrap-up ends by the hub's timer at 105 s.
  { id: 'e7', type: 'call.offered', at: at(200), callId: 'c2', queue: 'booking', direction: 'inbound' },
  { id: 'e8', type: 'call.abandoned', at: at(209), callId: 'c2' },
  { id: 'e3', type: 'call.offered', at: at(10), callId: 'c1', queue: 'booking', direction: 'inbound' },
  { id: 'e9', type: 'call.answered', at: at(210), callId: 'c2', agentId: 'a1' },
  { id: 'e10', type: 'call.ringing', at: at(211), callId: 'c3' },
].map((e) => JSON.stringify(e));

let dir = '';
let file = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callboard-ndjson-'));
  file = join(dir, 'events.ndjson');
  writeFileSync(file, [...lines, 'not json'].join('\n') + '\n');
  writeFileSync(join(dir, 'other.csv'), 'a,b\n1,2\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('detectFormat', () => {
  it('given a missing file or an unknown format, when detected then it fails loudly', async () => {
    await expect(detectFormat(join(dir, 'nope.txt'))).rejects.toThrow(/no such file/);
    await expect(detectFormat(join(dir, 'other.csv'))).rejects.toThrow(/unknown format/);
    await expect(detectFormat(file)).resolves.toBe('ndjson');
  });

  it('groups refusal reasons by masking ids and numbers', () => {
    expect(maskReason('call c-123 has already ended')).toBe('call <id> has already ended');
    expect(maskReason('agent a7 is already on call c9')).toBe('agent <id> is already on call <id>');
  });
});

describe.each(testBackends())('import of NDJSON events on $name', (backend) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.drop();
    tdb = undefined;
  });

  it('given a file with bad lines, a duplicate and an impossible event, when imported then good events become rows and the rest is counted by reason', async () => {
    tdb = await backend.create();
    const r = await importFile(file, { database: tdb.database, siteConfig });
    expect(r).toMatchObject({ format: 'ndjson', siteId: 'ndjson-test', rows: 12, imported: 8, answered: 1, abandoned: 1 });
    // The unknown type's message lists every known type: matched by its start.
    const invalid = Object.keys(r.skipped).find((k) => k.startsWith('invalid event: type: '));
    expect(invalid).toBeDefined();
    expect(r.skipped).toEqual({
      'not JSON': 1,
      [invalid!]: 1,
      'duplicate event id': 1,
      'refused by the hub: call <id> has already ended': 1,
    });
    const rows = await tdb.database.db.select().from(calls).orderBy(asc(calls.id));
    expect(rows.map((c) => [c.id, c.status, c.result, c.waitMs, c.handleMs, c.wrapEndAt?.toISOString(), c.disposition])).toEqual([
      ['c1', 'done', 'answered', 5000, 90_000, at(105), 'booked'],
      ['c2', 'done', 'abandoned', 9000, null, undefined, null],
    ]);
    expect(rows[0]).toMatchObject({ fromNumber: '+84901234567', source: 'ndjson' });
    const states = await tdb.database.db.select().from(agentStateHistory).orderBy(asc(agentStateHistory.fromAt));
    expect(states.map((s) => [s.state, s.fromAt.toISOString(), s.toAt?.toISOString() ?? null])).toEqual([
      ['available', at(0), at(15)],
      ['onCall', at(15), at(75)],
      ['wrapup', at(75), at(105)],
      ['available', at(105), null],
    ]);
    const again = await importFile(file, { database: tdb.database, siteConfig });
    expect(again.calls).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
  });
});
