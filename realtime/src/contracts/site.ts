/**
 * Site configuration: queues (lines), teams, agents, users and the metric parameters of
 * `shared/spec/metrics.md`. Loaded from a JSON file (`CALLBOARD_SITE`) or the built-in demo site,
 * and validated with zod so a typo fails at start-up with the path of the bad field.
 */
import { z } from 'zod';

const Id = z.string().min(1).max(128);

export const MetricParamsSchema = z.strictObject({
  /** Answer-time target for service level (T). @defaultValue 20 */
  slThresholdSec: z.number().min(0).default(20),
  /** Service-level goal shown on boards. @defaultValue 80 */
  slTargetPct: z.number().min(0).max(100).default(80),
  /** Abandons faster than this are "short" (S). @defaultValue 5 */
  shortAbandonSec: z.number().min(0).default(5),
  /** Service level basis: `spec` (answered + abandoned - short), `answered` (Asterisk), `offered`. */
  slBasis: z.enum(['spec', 'answered', 'offered']).default('spec'),
});
export type MetricParams = z.output<typeof MetricParamsSchema>;

export const QueueConfigSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  /** Vietnamese display name. */
  nameVi: z.string().optional(),
  /** 1 is the most important line, 10 the least. @defaultValue 5 */
  priority: z.number().int().min(1).max(10).default(5),
  open: z.boolean().default(true),
  /** What a closed line does with a new call. @defaultValue 'reject' */
  closedAction: z.enum(['reject', 'overflow', 'announce']).default('reject'),
  /** Target queue for `closedAction: 'overflow'`. */
  closedOverflowTo: Id.optional(),
  /** Move a waiting call to another queue after this many seconds. */
  overflow: z.strictObject({ afterSec: z.number().positive(), toQueue: Id }).optional(),
  /** `hub`: the hub offers calls to agents. `observe`: an external ACD routes; the hub only tracks. */
  routing: z.enum(['hub', 'observe']).default('hub'),
  /** Wrap-up seconds after each call before the agent is available again (0: none). @defaultValue 0 */
  wrapupSec: z.number().min(0).default(0),
  /** Minimum skill levels every agent needs for this queue. */
  skills: z.record(z.string(), z.number().int().min(1).max(10)).default({}),
  /** Per-queue overrides of the site's metric parameters. */
  params: MetricParamsSchema.partial().default({}),
  direction: z.enum(['inbound', 'outbound']).default('inbound'),
  /**
   * How long a call with a `preferredAgentId` waits for that agent before any eligible agent may take it
   * (0: offered to anyone at once when the preferred agent is not free). @defaultValue 30 on inbound lines;
   * 0 on outbound lines, where a connected callee left waiting is a dropped call
   */
  preferredAgentWaitSec: z.number().min(0).max(3600).optional(),
});
export type QueueConfig = z.output<typeof QueueConfigSchema>;

export const TeamConfigSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  /** Vietnamese display name. */
  nameVi: z.string().optional(),
  leadUserId: z.string().optional(),
});
export type TeamConfig = z.output<typeof TeamConfigSchema>;

export const AgentConfigSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  teamId: Id.optional(),
  queues: z.array(Id).default([]),
  skills: z.record(z.string(), z.number().int().min(1).max(10)).default({}),
});
export type AgentConfig = z.output<typeof AgentConfigSchema>;

/** `qa` reviews calls read-only; `telephony` is the phone system's service account (docs/ACCESS.md). */
export const RoleSchema = z.enum(['admin', 'supervisor', 'team_lead', 'agent', 'qa', 'telephony']);
export type Role = z.output<typeof RoleSchema>;

/** What an admin grants and revokes besides the role: the console, the phone system, campaigns (docs/ACCESS.md). */
export const AccessKindSchema = z.enum(['console', 'phone', 'campaigns']);
export type AccessKind = z.output<typeof AccessKindSchema>;

export const UserConfigSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  role: RoleSchema,
  /**
   * Demo/dev password: without a database the hub checks it as given; with one it is only the initial
   * password, stored argon2-hashed when the user is seeded (docs/ACCESS.md).
   */
  password: z.string().min(1),
  agentId: Id.optional(),
  teamIds: z.array(Id).default([]),
});
export type UserConfig = z.output<typeof UserConfigSchema>;

export const SiteConfigSchema = z.strictObject({
  id: Id.default('demo'),
  name: z.string().default('Callboard'),
  timeZone: z.string().default('Asia/Ho_Chi_Minh'),
  locale: z.enum(['vi', 'en']).default('vi'),
  /** Report interval length in minutes. @defaultValue 15 */
  intervalMin: z.number().int().refine((n) => [5, 10, 15, 30, 60].includes(n), 'one of 5, 10, 15, 30, 60').default(15),
  params: MetricParamsSchema.default(MetricParamsSchema.parse({})),
  /** Seconds an agent has to accept a pushed offer. @defaultValue 15 */
  offerTimeoutSec: z.number().positive().default(15),
  /** Missed offers in a row after which the agent is set not-ready `missed`. @defaultValue 2 */
  maxMissedOffers: z.number().int().min(1).default(2),
  /** Agent choice among eligible agents. @defaultValue 'longest-idle' */
  routingStrategy: z.enum(['longest-idle', 'most-skilled']).default('longest-idle'),
  /** Site-defined not-ready reasons (besides `break`, `missed`, `login`, `disconnected`). */
  notReadyReasons: z.array(z.string()).default(['lunch', 'meeting', 'training', 'coaching', 'technical']),
  /** Dispositions that count as a success (conversion). */
  successDispositions: z.array(z.string()).default(['booked', 'sold', 'converted', 'renewed']),
  /** Queues unknown to the config are created on first use (routing `observe`). @defaultValue true */
  autoCreateQueues: z.boolean().default(true),
  /** Completed call records kept in memory for drill-down. @defaultValue 400000 */
  recordsRetention: z.number().int().min(100).default(400_000),
  queues: z.array(QueueConfigSchema).default([]),
  teams: z.array(TeamConfigSchema).default([]),
  agents: z.array(AgentConfigSchema).default([]),
  users: z.array(UserConfigSchema).default([]),
});
export type SiteConfigInput = z.input<typeof SiteConfigSchema>;
export type SiteConfig = z.output<typeof SiteConfigSchema>;

export function parseSiteConfig(raw: unknown): SiteConfig {
  const r = SiteConfigSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(
      'invalid site configuration:\n' + r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'),
    );
  }
  return r.data;
}
