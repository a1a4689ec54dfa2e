import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { generateTraffic, batches } from '../../../scripts/bench/lib.ts';
import { agentDTO, callDTO, queueDTO, siteDTO, teamDTO } from '../core/index.ts';
import { createHubMetrics, Hub, MemoryEventLog } from '../hub/index.ts';
import { demoSite } from '../site/demo-site.ts';
import { applyDelta, applyPatch, diff, mergeById } from './patch.ts';
import type { SnapshotDTO } from './socket.ts';

/** JSON as it goes over the wire (undefined-valued keys dropped). */
const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('diff / applyPatch', () => {
  it('given no earlier version, then the whole object goes; given an equal one, nothing', () => {
    const a = { id: 'q1', open: true, live: { inQueue: 2, oldestWaitingSince: null } };
    expect(diff(undefined, a)).toEqual({ ...a, $whole: true });
    expect(diff(a, structuredClone(a))).toBeUndefined();
  });

  it('when one nested figure changes, then the patch holds that figure and the id only', () => {
    const a = { id: 'q1', name: 'Booking', open: true, live: { inQueue: 2, longestWaitSec: 10 }, today: { offered: 5, slPct: null as number | null } };
    const b = { ...a, live: { inQueue: 3, longestWaitSec: 10 }, today: { offered: 6, slPct: 80 } };
    const p = diff(a, b)!;
    expect(p).toEqual({ id: 'q1', live: { inQueue: 3 }, today: { offered: 6, slPct: 80 } });
    expect(applyPatch(a, p)).toEqual(b);
    expect(a.live.inQueue).toBe(2); // the old version is not changed
  });

  it('given a client that holds a version with more fields (from its snapshot), then a whole version replaces it', () => {
    const held = { id: 'a1', state: 'reserved', offerCallId: 'c1' };
    const now = { id: 'a1', state: 'onCall', callId: 'c1' };
    expect(applyPatch(held, wire(diff(undefined, now)!))).toEqual(now);
  });

  it('when a figure goes back to null ("no data"), then null is sent and kept, not taken for a deletion', () => {
    const a = { id: 'q1', today: { slPct: 75 as number | null } };
    const b = { id: 'q1', today: { slPct: null } };
    const p = diff(a, b)!;
    expect(p).toEqual({ id: 'q1', today: { slPct: null } });
    expect(applyPatch(a, p)).toEqual(b);
  });

  it('when an optional field goes away, then it is listed in $unset and deleted by the merge', () => {
    const a: { id: string; state: string; callId?: string } = { id: 'a1', state: 'onCall', callId: 'c9' };
    const b: { id: string; state: string; callId?: string } = { id: 'a1', state: 'wrapup', callId: undefined };
    const p = diff(a, b)!;
    expect(p).toEqual({ id: 'a1', state: 'wrapup', $unset: ['callId'] });
    const merged = applyPatch(a, wire(p));
    expect(merged).toEqual({ id: 'a1', state: 'wrapup' });
    expect('callId' in merged).toBe(false);
  });

  it('when a nested object loses a key (skills), then it is replaced whole, not merged', () => {
    const a = { id: 'a1', skills: { booking: 3, advice: 1 } as Record<string, number> };
    const b = { id: 'a1', skills: { booking: 3 } as Record<string, number> };
    const p = diff(a, b)!;
    expect(p).toEqual({ id: 'a1', skills: { booking: 3 }, $unset: ['skills'] });
    expect(applyPatch(a, wire(p))).toEqual(b);
  });

  it('when an array changes, then it is replaced; when it is equal in content, it is not sent', () => {
    const a = { id: 'a1', queues: ['booking', 'advice'] };
    expect(diff(a, { id: 'a1', queues: ['booking', 'advice'] })).toBeUndefined();
    const p = diff(a, { id: 'a1', queues: ['advice'] })!;
    expect(p).toEqual({ id: 'a1', queues: ['advice'] });
    expect(applyPatch(a, p)).toEqual({ id: 'a1', queues: ['advice'] });
  });

  it('mergeById: patches merge into their entity, new ids are appended, removed ids dropped', () => {
    const list = [
      { id: 'c1', status: 'waiting', priority: 0 },
      { id: 'c2', status: 'connected', priority: 0 },
    ];
    const out = mergeById(list, [{ id: 'c1', status: 'offering' }, { id: 'c3', status: 'waiting', priority: 1 }], ['c2']);
    expect(out).toEqual([
      { id: 'c1', status: 'offering', priority: 0 },
      { id: 'c3', status: 'waiting', priority: 1 },
    ]);
    expect(mergeById(list)).toBe(list);
  });

  it('property: for any two JSON objects, merging the diff into the first gives the second (as sent over the wire)', () => {
    const value = fc.oneof(fc.integer(), fc.constant(null), fc.string({ maxLength: 3 }), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }));
    const keys = fc.constantFrom('a', 'b', 'c', 'd');
    const inner = fc.dictionary(keys, fc.oneof(value, fc.dictionary(keys, value, { maxKeys: 3 })), { maxKeys: 4 });
    const obj = fc.record({ id: fc.constant('x'), top: value, opt: fc.option(value, { nil: undefined }), live: inner, today: inner });
    fc.assert(
      fc.property(obj, obj, (a, b) => {
        const p = diff(wire(a), wire(b));
        const merged = p === undefined ? wire(a) : applyPatch(wire(a), wire(p));
        expect(wire(merged)).toEqual(wire(b));
        // A room that forgot what it sent: the whole version, whatever the client held.
        expect(wire(applyPatch(wire(a), wire(diff(undefined, b)!)))).toEqual(wire(b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('given the DTOs of a real day of traffic', () => {
  it('when each version is sent as a patch of the one before, then the board that merges them always equals the hub, and patches are small', () => {
    const site = demoSite();
    const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), metrics: createHubMetrics(false), clock: 'event' });
    const traffic = generateTraffic(site, { events: 6000, seed: 7 });
    const s = hub.state;
    const view = (): SnapshotDTO => {
      const now = hub.now();
      return wire({
        seq: s.seq,
        at: now,
        site: siteDTO(s, now),
        queues: [...s.queues.values()].map((q) => queueDTO(s, q, now)),
        agents: [...s.agents.values()].map((a) => agentDTO(s, a, now)),
        teams: site.teams.map((t) => teamDTO(s, t.id, now)),
        calls: [...s.calls.values()].map((c) => callDTO(c, false)),
      });
    };
    let board = view();
    let prev = board;
    let whole = 0;
    let sent = 0;
    let steps = 0;
    for (const b of batches(traffic.events, 25)) {
      hub.apply(b);
      const cur = view();
      // The delta a room watching everything would get: a patch per entity that changed.
      const byId = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));
      const patches = <T extends { id: string }>(before: T[], after: T[]) => after.flatMap((x) => {
        const p = diff(byId(before).get(x.id), x);
        return p ? [p as typeof p & { id: string }] : [];
      });
      const removedCalls = prev.calls.filter((c) => !cur.calls.some((x) => x.id === c.id)).map((c) => c.id);
      const delta = wire({
        seq: cur.seq,
        at: cur.at,
        site: diff(prev.site, cur.site),
        queues: patches(prev.queues, cur.queues),
        agents: patches(prev.agents, cur.agents),
        teams: patches(prev.teams, cur.teams),
        calls: patches(prev.calls, cur.calls),
        removedCalls,
      });
      board = applyDelta(board, delta);
      const sortIds = (v: SnapshotDTO) => ({ ...v, queues: v.queues, agents: [...v.agents].sort((x, y) => x.id.localeCompare(y.id)), calls: [...v.calls].sort((x, y) => x.id.localeCompare(y.id)) });
      expect(sortIds(wire(board))).toEqual(sortIds(cur));
      whole += JSON.stringify(cur.site).length;
      sent += JSON.stringify(delta.site ?? {}).length;
      prev = cur;
      steps++;
    }
    expect(steps).toBeGreaterThan(200);
    // The site figures of 25 events change a part of the DTO, not all of it.
    expect(sent).toBeLessThan(whole * 0.6);
  });
});
