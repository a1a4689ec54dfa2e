/**
 * Outbound campaign jobs (telesales, surveys): name -> payload. The workers are in
 * `queue-workers/src/campaigns` (docs/CAMPAIGNS.md); a handler record typed over these names there
 * makes a missing handler a compile error.
 */
export interface CampaignJobs {
  /**
   * One dial attempt. Idempotent by (campaignId, leadId, attempt): the job id is
   * `dial|{campaignId}|{leadId}|{attempt}` and the worker's own attempt record stops a second dial.
   */
  'campaign:dial': { campaignId: string; leadId: string; attempt: number; /** Preview mode: the agent who asked for it. */ agentId?: string };
  /** One pacing cycle of a running campaign (a job scheduler per campaign, every `pacingMs`). */
  'campaign:pace': { campaignId: string };
  /** Imports a CSV file of leads into a campaign; progress on the job and in `lead_imports`. */
  'campaign:import-leads': { campaignId: string; importId: number; path: string; defaultRegion?: string; deleteAfter?: boolean };
  /** A scheduled proactive campaign (holiday greeting, birthday offer): starts the campaign for its segment. */
  'campaign:outreach': { campaignId: string };
  /** A post-call survey after an inbound call of a chosen queue: adds the caller as a lead of the survey campaign. */
  'campaign:post-call-survey': { campaignId: string; callId: string; queue: string; phone: string; at: number };
}

/** BullMQ queue names of the campaigns area. */
export const CAMPAIGN_QUEUES = { dial: 'campaign-dial', control: 'campaign-control' } as const;
