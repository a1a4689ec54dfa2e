import { describe, expect, it } from 'vitest';
import type { QueueDTO } from '$contracts/socket.ts';
import { abandonLevel, alertsFor, asaLevel, inQueueLevel, slLevel, waitLevel, worst } from './thresholds.ts';

describe('thresholds', () => {
  it('service level: on target green, up to 10 points under amber, further red, no calls none', () => {
    expect(slLevel(80, 80)).toBe('ok');
    expect(slLevel(79.9, 80)).toBe('warn');
    expect(slLevel(70, 80)).toBe('warn');
    expect(slLevel(69.9, 80)).toBe('bad');
    expect(slLevel(null, 80)).toBe('none');
  });
  it('abandon rate, waits and ASA against the queue threshold T', () => {
    expect([abandonLevel(4.9), abandonLevel(5), abandonLevel(10), abandonLevel(null)]).toEqual(['ok', 'warn', 'bad', 'none']);
    expect([waitLevel(20, 20), waitLevel(21, 20), waitLevel(60, 20), waitLevel(61, 20)]).toEqual(['ok', 'warn', 'warn', 'bad']);
    expect([asaLevel(20, 20), asaLevel(40, 20), asaLevel(41, 20), asaLevel(null, 20)]).toEqual(['ok', 'warn', 'bad', 'none']);
  });
  it('calls waiting are fine while agents are free, amber when nobody is, red when they pile up', () => {
    expect([inQueueLevel(0, 0), inQueueLevel(2, 1), inQueueLevel(2, 0), inQueueLevel(5, 3)]).toEqual(['ok', 'ok', 'warn', 'bad']);
    expect(worst('ok', 'none', 'warn')).toBe('warn');
    expect(worst('none')).toBe('none');
  });
  it('alerts: closed lines, SL under target and long waits (inbound only), worst first', () => {
    const q = (id: string, over: { open?: boolean; sl?: number | null; wait?: number; inQueue?: number; direction?: 'inbound' | 'outbound' }) =>
      ({
        id,
        open: over.open ?? true,
        direction: over.direction ?? 'inbound',
        slTargetPct: 80,
        slThresholdSec: 20,
        today: { serviceLevelPct: over.sl ?? 90 },
        live: { inQueue: over.inQueue ?? 0, longestWaitSec: over.wait ?? 0 },
      }) as unknown as QueueDTO;
    const alerts = alertsFor([q('a', { sl: 75 }), q('b', { open: false }), q('c', { inQueue: 2, wait: 70 }), q('d', { sl: 10, direction: 'outbound' }), q('e', {})]);
    expect(alerts.map((a) => `${a.kind}:${a.queue}:${a.level}`)).toEqual(['closed:b:bad', 'wait:c:bad', 'sl:a:warn']);
  });
});
