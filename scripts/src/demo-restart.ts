/**
 * A restart of the demo (`npm start` again, after Ctrl+C or a `kill -9`) continues from the event log
 * kept in `.data/redis`. The simulator that made the last run's calls is gone, and a new one knows
 * nothing of them: a caller left waiting, a call left connected, an agent left signed in would stay so on
 * every board. `leftoversOf` is what the phone system would have said when the demo stopped: the waiting
 * and ringing callers hung up, the connected calls were ended by the system, the agents signed out, all
 * at the time of the log's last event. The new simulator then signs its agents in again.
 */
import type { CtiEventIn } from '../../realtime/src/contracts/index.ts';
import type { HubState } from '../../realtime/src/core/index.ts';

export function leftoversOf(state: HubState, source = 'callboard-restart'): CtiEventIn[] {
  const at = state.clock;
  const out: CtiEventIn[] = [];
  const tag = `${source}:${state.seq}`;
  for (const c of state.calls.values()) {
    if (c.status === 'waiting' || c.status === 'offering') out.push({ id: `${tag}:abandon:${c.id}`, type: 'call.abandoned', at, source, callId: c.id });
    else if (c.status === 'connected' || c.status === 'held') out.push({ id: `${tag}:end:${c.id}`, type: 'call.ended', at, source, callId: c.id, by: 'system' });
  }
  for (const a of state.agents.values()) {
    if (a.state !== 'offline') out.push({ id: `${tag}:logout:${a.id}`, type: 'agent.logout', at, source, agentId: a.id });
  }
  return out;
}
