/**
 * metrics.md: AHT = talk + hold + wrap-up over handled calls. A line without wrap-up time of its own (an
 * external ACD in observation mode, whose phone system reports the agent's after-call work as
 * `agent.state: wrapup`) counts the call as handled when it ends; the wrap-up reported right after it
 * still adds to that call's handle time.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_FORMULAS } from '../contracts/index.ts';
import { queryMetrics } from './selectors.ts';
import { apply, ev, ready, site, t } from './testing.ts';

const ext = () => site({ queues: [{ id: 'ext', name: 'External ACD', routing: 'observe' }], agents: [{ id: 'a1', name: 'A1', teamId: 't1', queues: ['ext'] }] });
const aht = (s: ReturnType<typeof site>, scope: 'queue' | 'agent' | 'site', id?: string) =>
  queryMetrics(s, { scope, ...(id ? { id } : {}), from: t(0), to: t(600) }, t(600), METRIC_FORMULAS).total;

/** a1 signed in, then call c1 on the line: offered at 5 s, answered at 10 s, ended at 70 s (60 s of talk). */
const talked = (line = 'ext') => [...ready(t(0), 'a1'), ev.offered('c1', line, t(5)), ev.answered('c1', 'a1', t(10)), ev.ended('c1', t(70))];

describe('a wrap-up reported after a call of a line without wrap-up time', () => {
  it('given talk 60 s then 30 s of wrap-up reported by the phone system, then the call is handled once with 90 s, for the line, the agent and its record', () => {
    const s = ext();
    apply(s, [...talked(), ev.state('a1', 'wrapup', t(70)), ev.state('a1', 'available', t(100))]);
    for (const [scope, id] of [['queue', 'ext'], ['agent', 'a1'], ['site', undefined]] as const) {
      expect([scope, aht(s, scope, id).handled, aht(s, scope, id).ahtSec]).toEqual([scope, 1, 90]);
    }
    expect(s.recordIndex.get('c1')).toMatchObject({ handleMs: 90_000, wrapEndAt: t(100) });
  });

  it('given the wrap-up reported a few seconds after the call (the agent available meanwhile), then it still counts; ended by signing out, too', () => {
    const s = ext();
    apply(s, [...talked(), ev.state('a1', 'wrapup', t(72)), ev.logout('a1', t(92))]);
    expect(aht(s, 'queue', 'ext').ahtSec).toBe(80);
  });

  it('given the agent went on break after the call, then a later wrap-up is not that call\'s (nothing added)', () => {
    const s = ext();
    apply(s, [...talked(), ev.state('a1', 'break', t(71)), ev.state('a1', 'wrapup', t(200)), ev.state('a1', 'available', t(260))]);
    expect(aht(s, 'queue', 'ext').ahtSec).toBe(60);
    expect(s.recordIndex.get('c1')!.handleMs).toBe(60_000);
  });

  it('given a line with wrap-up time of its own, then its wrap-up counts once, as before', () => {
    const s = site({ queues: [{ id: 'w', name: 'W', routing: 'observe', wrapupSec: 20 }], agents: [{ id: 'a1', name: 'A1', queues: ['w'] }] });
    apply(s, [...talked('w'), ev.state('a1', 'available', t(80))]);
    expect(aht(s, 'queue', 'w')).toMatchObject({ handled: 1, ahtSec: 70 });
  });
});
