/** Prometheus counters of the hub (`GET /metrics`), one registry per hub instance. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface HubMetrics {
  registry: Registry;
  accepted: Counter;
  duplicates: Counter;
  rejected: Counter<'reason'>;
  commands: Counter<'name' | 'result'>;
  sockets: Gauge<'namespace'>;
  badPayloads: Counter<'edge'>;
}

export function createHubMetrics(withDefaults = false): HubMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    accepted: new Counter({ name: 'callboard_events_accepted_total', help: 'Telephony events accepted', registers: [registry] }),
    duplicates: new Counter({ name: 'callboard_events_duplicate_total', help: 'Telephony events ignored as duplicates', registers: [registry] }),
    rejected: new Counter({
      name: 'callboard_events_rejected_total',
      help: 'Telephony events rejected (invalid: failed validation; impossible: not possible in the current state; future: dated ahead of the hub clock by more than its tolerance)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    commands: new Counter({
      name: 'callboard_commands_total',
      help: 'Console commands by result',
      labelNames: ['name', 'result'],
      registers: [registry],
    }),
    sockets: new Gauge({ name: 'callboard_sockets', help: 'Connected sockets', labelNames: ['namespace'], registers: [registry] }),
    badPayloads: new Counter({
      name: 'callboard_bad_requests_total',
      help: 'Requests refused at the edge (unparseable body, bad auth, bad query)',
      labelNames: ['edge'],
      registers: [registry],
    }),
  };
}
