/** Outbound campaign jobs (telesales, surveys): name -> payload. Filled by the campaigns area. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CampaignJobs {}
