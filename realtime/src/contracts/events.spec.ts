/**
 * The fast validation path (ajv compiled from the zod schemas) must accept exactly what zod accepts.
 */
import { describe, expect, it } from 'vitest';
import { CtiEventSchema, fastAccepts, parseCtiEvent } from './events.ts';

const at = '2026-03-02T08:01:00+07:00';
const VALID: Record<string, unknown>[] = [
  { id: 'e1', type: 'call.offered', at, callId: 'c1', queue: 'vaccine-booking', direction: 'inbound', from: '+84901234567', to: '1900', priority: 2, skills: ['vaccine'], campaignId: 'k', leadId: 'l', attributes: { customer: 'Nguyễn Thị Lan' } },
  { id: 'e2', type: 'call.answered', at: 1772413272000, callId: 'c1', agentId: 'a7', source: 'pbx' },
  { id: 'e3', type: 'call.abandoned', at, callId: 'c1' },
  { id: 'e4', type: 'call.held', at, callId: 'c1' },
  { id: 'e5', type: 'call.resumed', at, callId: 'c1' },
  { id: 'e6', type: 'call.transferred', at, callId: 'c1', queue: 'advice' },
  { id: 'e7', type: 'call.ended', at, callId: 'c1', by: 'caller' },
  { id: 'e8', type: 'call.outcome', at, callId: 'c1', disposition: 'booked', notes: 'x', revenue: 1.5, surveyScore: 9 },
  { id: 'e9', type: 'call.dialed', at, callId: 'c1', campaignId: 'k', leadId: 'l', to: '+84901234567', result: 'no_answer' },
  { id: 'e10', type: 'agent.login', at, agentId: 'a7', queues: ['q'], skills: { vaccine: 7 } },
  { id: 'e11', type: 'agent.logout', at, agentId: 'a7' },
  { id: 'e12', type: 'agent.state', at, agentId: 'a7', state: 'lunch', reason: 'noon' },
];

/** Mutations that each break one rule (or keep it valid), applied to every valid event. */
const MUTATIONS: [string, (e: Record<string, unknown>) => Record<string, unknown>][] = [
  ['drop id', ({ id: _, ...e }) => e],
  ['empty id', (e) => ({ ...e, id: '' })],
  ['long id', (e) => ({ ...e, id: 'x'.repeat(129) })],
  ['numeric id', (e) => ({ ...e, id: 5 })],
  ['extra field', (e) => ({ ...e, extra: true })],
  ['at without offset', (e) => ({ ...e, at: '2026-03-02T08:01:00' })],
  ['at as text', (e) => ({ ...e, at: 'yesterday' })],
  ['at negative', (e) => ({ ...e, at: -1 })],
  ['at fraction', (e) => ({ ...e, at: 1.5 })],
  ['at Z', (e) => ({ ...e, at: '2026-03-02T01:01:00.123Z' })],
  ['at Feb 30', (e) => ({ ...e, at: '2026-02-30T08:00:00+07:00' })],
  ['empty source', (e) => ({ ...e, source: '' })],
  ['null source', (e) => ({ ...e, source: null })],
  ['drop callId', ({ callId: _, ...e }) => e],
  ['callId number', (e) => ('callId' in e ? { ...e, callId: 1 } : e)],
  ['priority 0', (e) => ('priority' in e ? { ...e, priority: 0 } : e)],
  ['priority 2.5', (e) => ('priority' in e ? { ...e, priority: 2.5 } : e)],
  ['direction sideways', (e) => ('direction' in e ? { ...e, direction: 'sideways' } : e)],
  ['attributes number', (e) => ('attributes' in e ? { ...e, attributes: { a: 1 } } : e)],
  ['skills strings', (e) => ('skills' in e && !Array.isArray(e.skills) ? { ...e, skills: { vaccine: 'high' } } : e)],
  ['skills level 11', (e) => ('skills' in e && !Array.isArray(e.skills) ? { ...e, skills: { vaccine: 11 } } : e)],
  ['state upper', (e) => ('state' in e ? { ...e, state: 'Lunch' } : e)],
  ['by robot', (e) => ('by' in e ? { ...e, by: 'robot' } : e)],
  ['revenue negative', (e) => ('revenue' in e ? { ...e, revenue: -1 } : e)],
  ['survey 11', (e) => ('surveyScore' in e ? { ...e, surveyScore: 11 } : e)],
  ['result maybe', (e) => ('result' in e ? { ...e, result: 'maybe' } : e)],
  ['type unknown', (e) => ({ ...e, type: 'call.teleported' })],
  ['array', (e) => [e] as unknown as Record<string, unknown>],
];

describe('given the telephony event schemas', () => {
  it('when valid events of every type are checked, then both paths accept them', () => {
    for (const e of VALID) {
      expect(CtiEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
      expect(fastAccepts(e), JSON.stringify(e)).toBe(true);
    }
  });

  it('when every event is mutated, then the fast path accepts exactly what zod accepts', () => {
    let rejected = 0;
    for (const e of VALID) {
      for (const [name, m] of MUTATIONS) {
        const x = m(e);
        const zod = CtiEventSchema.safeParse(x).success;
        if (!zod) rejected++;
        expect(fastAccepts(x), `${name} on ${String(e.type)}`).toBe(zod);
      }
    }
    expect(rejected).toBeGreaterThan(150);
  });

  it('when a transfer names both a queue and an agent, then it is rejected with the reason', () => {
    const r = parseCtiEvent({ id: 't', type: 'call.transferred', at, callId: 'c', queue: 'q', agentId: 'a' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join()).toMatch(/exactly one of queue or agentId/);
  });

  it('when an event passes, then its time is epoch ms whichever form it came in', () => {
    const a = parseCtiEvent(VALID[0]);
    const b = parseCtiEvent(VALID[1]);
    expect(a.ok && a.event.at).toBe(Date.parse(at));
    expect(b.ok && b.event.at).toBe(1772413272000);
  });
});
