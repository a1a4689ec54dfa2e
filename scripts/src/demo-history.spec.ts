import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SiteCalendar } from '../../realtime/src/core/time.ts';
import { Hub, MemoryEventLog } from '../../realtime/src/hub/index.ts';
import { demoSite } from '../../realtime/src/site/demo-site.ts';
import { demoHistory } from './demo-history.ts';

const site = demoSite();
const cal = new SiteCalendar(site.timeZone, site.intervalMin);
const at = (e: { at: string | number }) => (typeof e.at === 'number' ? e.at : Date.parse(e.at));

describe('the demo history', () => {
  it('given 2 past days at 10:00, then each day has the hotline\'s traffic, the hub accepts all of it, and it ends with no one signed in', async () => {
    const now = Date.parse('2026-03-04T10:00:00+07:00');
    const events = demoHistory(site, now, 7, 2);
    const times = events.map(at);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(Math.max(...times)).toBeLessThan(now);

    const offered = events.filter((e) => e.type === 'call.offered');
    const perDay = new Map<string, number>();
    for (const e of offered) {
      const d = cal.localDate(at(e));
      perDay.set(d, (perDay.get(d) ?? 0) + 1);
      const hour = (at(e) - cal.dayStart(at(e))) / 3_600_000;
      expect(hour).toBeGreaterThanOrEqual(7);
      expect(hour).toBeLessThan(21);
    }
    expect([...perDay.keys()]).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    expect(perDay.get('2026-03-02')).toBeGreaterThan(1000);
    expect(perDay.get('2026-03-04')).toBeGreaterThan(100);
    // Today's traffic reaches into the last minutes before now: no empty interval before the live traffic.
    const lastOffer = Math.max(...offered.map(at));
    expect(now - lastOffer).toBeLessThan(5 * 60_000);

    const hub = new Hub({ config: site, log: new MemoryEventLog(), logger: pino({ level: 'silent' }), clock: 'event' });
    const r = await hub.ingest(events, { route: false });
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toBe(events.length);
    expect([...hub.state.agents.values()].filter((a) => a.state !== 'offline').map((a) => a.id)).toEqual([]);
    expect([...hub.state.calls.values()].filter((c) => c.status !== 'done')).toEqual([]);
  });

  it('given no past days before 07:30, then there is nothing to load', () => {
    expect(demoHistory(site, Date.parse('2026-03-04T07:10:00+07:00'), 7, 0)).toEqual([]);
  });
});
