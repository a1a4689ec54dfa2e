/** Replay of recorded telephony events (NDJSON or Anonymous Bank 1999 monthly files). */
export {
  AB_HEADER_PREFIX,
  AB_TIME_ZONE,
  anonymousBankEvents,
  convertAnonymousBank,
  isAnonymousBankFile,
  parseAbLine,
  parseClock,
  pseudonymousCaller,
  readAnonymousBank,
  readLines,
  splitAbFields,
  type AbRow,
  type AnonymousBankOptions,
  type AnonymousBankResult,
  type AnonymousBankStats,
  type NoServerPolicy,
} from './anonymous-bank.ts';
export { parseNdjsonLines, readNdjson, type NdjsonResult, type NdjsonStats } from './ndjson.ts';
export {
  hubSink,
  loadSource,
  ndjsonSink,
  replayFiles,
  type FileSummary,
  type LoadedSource,
  type ReplayOptions,
  type ReplayProgress,
  type ReplaySink,
  type ReplaySummary,
  type SourceFormat,
} from './run.ts';
export { checkEventSequence, type SequenceReport } from './check.ts';
