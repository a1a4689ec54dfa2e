/** Report and aggregation jobs: name -> payload. Filled by the reports area. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ReportJobs {}
