/**
 * How the campaign workers reach the hub and the complaints area. In `npm start` everything runs in the
 * hub's process and the in-process adapters are used; a worker process of its own uses the HTTP ones
 * (the hub's ingest with a telephony token, `/api/v1/snapshot` with a supervisor token).
 */
import { sql } from 'drizzle-orm';
import type { CtiEventIn, SnapshotDTO } from '../../../realtime/src/contracts/index.ts';
import { snapshot as snapshotOf } from '../../../realtime/src/core/selectors.ts';
import type { Hub } from '../../../realtime/src/hub/hub.service.ts';
import type { Db } from '../../../realtime/src/storage/database.ts';

export interface HubPort {
  /** Sends telephony events; resolves once the hub has them (duplicates by id are fine). Throws to retry. */
  ingest(events: CtiEventIn[]): Promise<void>;
  /** The live view: queues (live figures, last 30 minutes) and agents. */
  snapshot(): Promise<SnapshotDTO>;
  /**
   * Holds an agent for `sec` seconds of hub time while a lead assigned to them rings (0 releases), so the
   * hub offers them no other call meanwhile. Best effort: answers false when the hub refused or failed.
   */
  hold?(agentId: string, sec: number, ref: string): Promise<boolean>;
}

export function inProcessHub(hub: Hub, onRejected?: (errors: string[]) => void): HubPort {
  return {
    async ingest(events) {
      const r = await hub.ingest(events);
      if (r.rejected.length && onRejected) onRejected(r.rejected.flatMap((x) => x.errors));
    },
    async snapshot() {
      return snapshotOf(hub.state, hub.now(), { showNumbers: false });
    },
    async hold(agentId, sec, ref) {
      return (await hub.holdAgent(agentId, sec, ref)).ok;
    },
  };
}

export function httpHub(url: string, telephonyToken: string, supervisorToken: string, fetchFn: typeof fetch = fetch): HubPort {
  const base = url.replace(/\/+$/, '');
  return {
    async ingest(events) {
      const res = await fetchFn(`${base}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${telephonyToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`hub ingest answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    },
    async snapshot() {
      const res = await fetchFn(`${base}/api/v1/snapshot`, { headers: { authorization: `Bearer ${supervisorToken}` }, signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`hub snapshot answered ${res.status}`);
      return (await res.json()) as SnapshotDTO;
    },
    async hold(agentId, sec, ref) {
      const res = await fetchFn(`${base}/api/v1/agents/${encodeURIComponent(agentId)}/hold`, {
        method: 'POST',
        headers: { authorization: `Bearer ${telephonyToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sec, ref }),
        signal: AbortSignal.timeout(5_000),
      });
      return res.ok;
    },
  };
}

export interface ComplaintIntake {
  siteId: string;
  callId: string;
  campaignId: string;
  queueId: string | null;
  agentId: string | null;
  /** The agent's team (the site configuration's), so the team's lead sees the complaint. */
  teamId?: string | null;
  customerRef: string;
  /** The answer as given, on its question's scale. */
  surveyScore: number;
  scale: '0-10' | '1-5';
  /** The respondent's own words (a text answer), when they gave some. */
  description?: string;
}

/** Opens a complaint for a low survey score. Idempotent per call (`survey:{callId}`). */
export interface ComplaintPort {
  open(c: ComplaintIntake): Promise<void>;
}

/**
 * Default intake: a `complaints` row (channel `survey`, high priority, `source_key` survey:{callId}),
 * which the complaints area routes (category -> department, SLA) like any other intake.
 */
export function tableComplaints(db: Db): ComplaintPort {
  return {
    async open(c) {
      // The agent's team too, so their team lead sees the complaint (team leads see their teams' complaints).
      await db.execute(sql`insert into complaints (site_id, call_id, agent_id, team_id, queue_id, campaign_id, channel, category, priority, status, description, customer_ref, survey_score, source_key)
        values (${c.siteId}, ${c.callId}, ${c.agentId}, ${c.teamId ?? null}, ${c.queueId}, ${c.campaignId}, 'survey', 'low-survey-score', 'high', 'open', ${c.description ?? null}, ${c.customerRef}, ${c.scale === '1-5' ? ((c.surveyScore - 1) / 4) * 10 : c.surveyScore}, ${`survey:${c.callId}`})
        on conflict (site_id, source_key) do nothing`);
    },
  };
}
