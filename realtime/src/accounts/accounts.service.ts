/**
 * `AccountsService`: database accounts for the hub (docs/ACCESS.md). Password login (argon2id), token
 * versions for revocation across hubs (Redis), admin operations on users and grants, each written to
 * the audit log with before/after, and the audit trail the hub's commands go to.
 */
import type { Logger } from 'pino';
import { AccessKindSchema, apiFail, RoleSchema, type AccessKind, type ApiFail, type Role, type SessionDTO, type SiteConfig } from '../contracts/index.ts';
import { AuthError, AuthUnavailable, jwtSecret, type AccountsPort, type AuditEntryInput } from '../hub/auth.ts';
import type { Database } from '../storage/database.ts';
import { DEFAULT_ACCESS } from './access.ts';
import { AuditRepository } from './audit.repository.ts';
import { AuditTrail } from './audit.service.ts';
import { LoginThrottle } from './login-throttle.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { Revocations } from './revocation.ts';
import { mintToken, tokenView, TokensRepository, type IssuedToken, type MintInput } from './tokens.ts';
import { UsersRepository, type UserRecord } from './users.repository.ts';

export interface AccountsOptions {
  database: Database;
  redisUrl: string;
  siteId: string;
  logger: Logger;
  /** Passed to the audit trail. @defaultValue 50 */
  auditBatchDelayMs?: number;
  /** Failed logins per user name and address within 15 minutes before further attempts are refused. @defaultValue 10 */
  maxFailedLogins?: number;
  /** The audit spool's liveness window (a dead process's entries are taken over after it). @defaultValue 30000 */
  auditSpoolAliveMs?: number;
  /**
   * Append-only file the audit chain's head is also anchored in (besides Redis), best on another
   * disk or machine than the database. @defaultValue `CALLBOARD_AUDIT_ANCHOR_FILE`, else none
   */
  auditAnchorFile?: string;
  /** Signs the tokens admins mint (`POST /api/v1/admin/tokens`); the hub's. @defaultValue `jwtSecret()` */
  jwtSecret?: string;
}

/** Who asks for an admin operation, and from where. */
export interface Actor {
  session: Pick<SessionDTO, 'userId' | 'role'>;
  from?: string | undefined;
}

/** A refusal: its code, and (most) a reason with params that the console words (`contracts/api-errors.ts`). */
export class AccountsError extends Error {
  readonly fail: ApiFail | undefined;
  constructor(
    readonly code: 'not_found' | 'conflict' | 'invalid',
    why: string | ApiFail,
  ) {
    super(typeof why === 'string' ? why : why.message);
    this.fail = typeof why === 'string' ? undefined : why;
  }
}

export interface CreateUserInput {
  id: string;
  name: string;
  role: Role;
  password?: string;
  agentId?: string | null;
  teamIds?: string[];
  /** @defaultValue the role's `DEFAULT_ACCESS` */
  access?: AccessKind[];
}

export type UpdateUserInput = Partial<{ name: string; role: Role; agentId: string | null; teamIds: string[]; password: string; disabled: boolean; access: AccessKind[] }>;

/** The audit view of a user (never the hash). */
function view(u: UserRecord | undefined): Record<string, unknown> | null {
  if (!u) return null;
  return { name: u.name, role: u.role, agentId: u.agentId, teamIds: u.teamIds, access: u.access, disabled: u.disabledAt !== null };
}

export class AccountsService implements AccountsPort {
  readonly siteId: string;
  readonly auditRepo: AuditRepository;
  readonly trail: AuditTrail;
  private readonly throttle: LoginThrottle;

  private constructor(
    private readonly opts: AccountsOptions,
    readonly revocations: Revocations,
  ) {
    this.siteId = opts.siteId;
    this.auditRepo = new AuditRepository(opts.database);
    this.throttle = new LoginThrottle(revocations.redis, opts.siteId, opts.maxFailedLogins ?? 10);
    this.trail = new AuditTrail({
      repo: this.auditRepo,
      siteId: opts.siteId,
      logger: opts.logger,
      batchDelayMs: opts.auditBatchDelayMs ?? 50,
      spool: { redis: revocations.redis, aliveMs: opts.auditSpoolAliveMs ?? 30_000 },
      anchor: { redis: revocations.redis, file: this.anchorFile },
    });
  }

  get database(): Database {
    return this.opts.database;
  }

  /** The anchor file in use, if any. */
  get anchorFile(): string | undefined {
    return this.opts.auditAnchorFile ?? (process.env.CALLBOARD_AUDIT_ANCHOR_FILE || undefined);
  }

  /** Over the database's current handle (it survives `reopen()`). */
  private get users(): UsersRepository {
    return new UsersRepository(this.opts.database.db);
  }

  /** Connects to Redis and restores every revoked version from the database (a fresh Redis forgets them). */
  static async open(opts: AccountsOptions): Promise<AccountsService> {
    const revocations = await Revocations.open(opts.redisUrl, opts.siteId, opts.logger);
    const s = new AccountsService(opts, revocations);
    for (const [userId, v] of await s.users.tokenVersions(opts.siteId)) await revocations.raiseTo(userId, v);
    for (const t of await s.tokens.revokedLive(opts.siteId)) await revocations.markTokenRevoked(t.jti, t.expiresAt);
    // Audit entries a stopped process could not write (a database outage) are written now.
    await s.trail.start();
    return s;
  }

  async close(): Promise<void> {
    await this.trail.close();
    await this.revocations.close();
  }

  // --------------------------------------------------------------------------------- hub port

  async login(username: string, password: string, from: string | undefined): Promise<{ session: SessionDTO; tokenVersion: number } | null> {
    const u = await this.users.find(this.siteId, username);
    const blocked = await this.throttle.blocked(username, from);
    const ok = !blocked && (await verifyPassword(u?.passwordHash, password));
    const refused = blocked ? 'too many failed attempts' : !u || !ok ? 'wrong user name or password' : u.disabledAt ? 'disabled' : u.access.length === 0 ? 'no access' : undefined;
    if (!blocked) await (ok ? this.throttle.succeeded(username, from) : this.throttle.failed(username, from));
    this.trail.record({
      actorUserId: u?.id ?? null,
      actorRole: u?.role ?? null,
      action: 'auth:login',
      outcome: refused ? 'unauthorized' : 'ok',
      targetType: 'user',
      // An unknown name is not recorded: people type their password into the name field.
      targetId: u?.id ?? null,
      fromAddress: from ?? null,
      before: null,
      after: refused && u ? { reason: refused } : null,
    });
    if (!u || refused) return null;
    const session: SessionDTO = { userId: u.id, name: u.name, role: u.role, teamIds: u.teamIds, access: u.access };
    if (u.agentId) session.agentId = u.agentId;
    // Redis may be ahead of the row (a revocation in flight): issue under the higher version.
    const tokenVersion = Math.max(u.tokenVersion, await this.revocations.current(u.id));
    return { session, tokenVersion };
  }

  async assertCurrent(session: SessionDTO, tokenVersion: number, jti?: string): Promise<void> {
    let current: number;
    let tokenRevoked = false;
    try {
      if (jti) ({ version: current, tokenRevoked } = await this.revocations.state(session.userId, jti));
      else current = await this.revocations.current(session.userId);
    } catch {
      throw new AuthUnavailable(apiFail('credential_check_unavailable', {}));
    }
    if (tokenRevoked) throw new AuthError(apiFail('token_revoked', {}));
    if (tokenVersion < current) throw new AuthError(apiFail('credential_revoked', {}));
  }

  audit(e: AuditEntryInput): void {
    this.trail.record({
      actorUserId: e.actor?.userId ?? null,
      actorRole: e.actor?.role ?? null,
      action: e.action,
      outcome: e.outcome ?? 'ok',
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      fromAddress: e.from ?? null,
      before: e.before ?? null,
      after: e.after ?? null,
    });
  }

  onRevoked(fn: (userId: string, jti?: string) => void): () => void {
    return this.revocations.onRevoked(fn);
  }

  // ------------------------------------------------------------------------------------- seed

  /**
   * Seeds the site configuration's users: missing users (or users without a password yet) get their
   * configured password argon2-hashed and their role's default grants. Users that already have a
   * password are left as they are (an admin may have changed them).
   * @returns the ids seeded
   */
  async seedSite(config: SiteConfig): Promise<string[]> {
    await this.users.ensureSite({ id: config.id, name: config.name, timeZone: config.timeZone, locale: config.locale, intervalMin: config.intervalMin });
    if (config.users.length === 0) return [];
    const todo = await this.users.withoutPassword(this.siteId, config.users.map((u) => u.id));
    const list = config.users.filter((u) => todo.has(u.id));
    // argon2 runs on libuv's threads: a few at a time.
    const hashes: string[] = [];
    for (let i = 0; i < list.length; i += 4) hashes.push(...(await Promise.all(list.slice(i, i + 4).map((u) => hashPassword(u.password)))));
    return this.users.seed(
      this.siteId,
      list.map((u, i) => ({ id: u.id, name: u.name, role: u.role, agentId: u.agentId ?? null, teamIds: [...u.teamIds], passwordHash: hashes[i]!, access: DEFAULT_ACCESS[u.role] })),
    );
  }

  // ------------------------------------------------------------------------------------ admin

  list(): Promise<UserRecord[]> {
    return this.users.list(this.siteId);
  }

  async get(id: string): Promise<UserRecord | undefined> {
    const u = await this.users.find(this.siteId, id);
    if (!u) return undefined;
    const { passwordHash: _, ...rest } = u;
    return rest;
  }

  async create(actor: Actor, input: CreateUserInput): Promise<UserRecord> {
    const role = RoleSchema.parse(input.role);
    const access = input.access ?? [...DEFAULT_ACCESS[role]];
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const ok = await this.users.insert(
      this.siteId,
      { id: input.id, name: input.name, role, agentId: input.agentId ?? null, teamIds: input.teamIds ?? [], passwordHash, access },
      actor.session.userId,
    );
    if (!ok) {
      this.record(actor, 'user:create', input.id, null, null, 'conflict');
      throw new AccountsError('conflict', apiFail('user_exists', { userId: input.id }));
    }
    const u = (await this.get(input.id))!;
    this.record(actor, 'user:create', u.id, null, { ...view(u), password: input.password ? 'set' : 'none' });
    return u;
  }

  /**
   * Changes a user. Narrowing changes (role, teams, agent, disabling, a grant removed, a new password)
   * revoke the user's sessions at once; a new grant applies at the next login.
   */
  async update(actor: Actor, id: string, input: UpdateUserInput, action = 'user:update'): Promise<UserRecord> {
    const before = await this.get(id);
    if (!before) {
      this.record(actor, action, id, null, null, 'not_found');
      throw new AccountsError('not_found', apiFail('unknown_user', { userId: id }));
    }
    if (id === actor.session.userId && (input.disabled === true || (input.role !== undefined && input.role !== before.role) || (input.access && !input.access.includes('console')))) {
      this.record(actor, action, id, view(before), null, 'conflict');
      throw new AccountsError('conflict', apiFail('cannot_lock_yourself_out', {}));
    }
    const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
    const access = input.access ? [...new Set(input.access.map((a) => AccessKindSchema.parse(a)))] : undefined;
    await this.opts.database.transaction(async (tx) => {
      const repo = new UsersRepository(tx);
      await repo.update(this.siteId, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.role !== undefined ? { role: RoleSchema.parse(input.role) } : {}),
        ...(input.agentId !== undefined ? { agentId: input.agentId } : {}),
        ...(input.teamIds !== undefined ? { teamIds: input.teamIds } : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}),
        ...(input.disabled !== undefined ? { disabledAt: input.disabled ? (before.disabledAt ?? new Date()) : null } : {}),
      });
      if (access) await repo.setAccess(this.siteId, id, access, actor.session.userId);
    });
    const after = (await this.get(id))!;
    const narrowed =
      after.role !== before.role ||
      after.agentId !== before.agentId ||
      before.teamIds.some((t) => !after.teamIds.includes(t)) ||
      before.access.some((a) => !after.access.includes(a)) ||
      (after.disabledAt !== null && before.disabledAt === null) ||
      passwordHash !== undefined;
    this.record(actor, action, id, view(before), { ...view(after), ...(passwordHash ? { password: 'changed' } : {}) });
    if (narrowed) await this.revokeSessions(actor, id, 'changed');
    return (await this.get(id))!;
  }

  /** Grants one access kind (console, phone, campaigns). */
  async grant(actor: Actor, id: string, kind: AccessKind): Promise<UserRecord> {
    const u = await this.requireUser(actor, 'access:grant', id);
    if (u.access.includes(kind)) return u;
    return this.update(actor, id, { access: [...u.access, kind] }, 'access:grant');
  }

  /** Revokes one access kind; the user's live sessions are dropped. */
  async revoke(actor: Actor, id: string, kind: AccessKind): Promise<UserRecord> {
    const u = await this.requireUser(actor, 'access:revoke', id);
    return this.update(actor, id, { access: u.access.filter((a) => a !== kind) }, 'access:revoke');
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const before = await this.requireUser(actor, 'user:delete', id);
    if (id === actor.session.userId) {
      this.record(actor, 'user:delete', id, view(before), null, 'conflict');
      throw new AccountsError('conflict', apiFail('cannot_delete_yourself', {}));
    }
    // Revoke before the row goes: its token version must outlive it in Redis.
    await this.revokeSessions(actor, id, 'deleted');
    await this.users.remove(this.siteId, id);
    this.record(actor, 'user:delete', id, view(before), null);
  }

  /**
   * Ends every session of the user: raises the token version (database, then Redis) and tells every
   * hub to drop the user's sockets.
   */
  async revokeSessions(actor: Actor, id: string, why = 'revoked'): Promise<number> {
    const v = await this.users.bumpTokenVersion(this.siteId, id);
    if (v === undefined) {
      this.record(actor, 'sessions:revoke', id, null, null, 'not_found');
      throw new AccountsError('not_found', apiFail('unknown_user', { userId: id }));
    }
    await this.revocations.revoke(id, v);
    this.record(actor, 'sessions:revoke', id, { tokenVersion: v - 1 }, { tokenVersion: v, why });
    return v;
  }

  // ----------------------------------------------------------------------------------- tokens

  private get tokens(): TokensRepository {
    return new TokensRepository(this.opts.database);
  }

  /** Mints a token for a script or adapter (with a `jti`, recorded, audited). The token is returned once, never stored. */
  async issueToken(actor: Actor, input: MintInput): Promise<{ token: string; record: IssuedToken }> {
    const r = await mintToken(this.opts.database.db, this.siteId, this.opts.jwtSecret ?? jwtSecret(), input, actor.session.userId);
    this.audit({ actor: actor.session, action: 'token:issue', targetType: 'token', targetId: r.record.jti, from: actor.from, before: null, after: r.audit.after });
    return { token: r.token, record: r.record };
  }

  /** Issued tokens, newest first (expired ones with `all`). */
  listTokens(all = false): Promise<IssuedToken[]> {
    return this.tokens.list(this.siteId, all);
  }

  /** Revokes one token: refused from now on (REST, Socket.IO, reconnects) and its live sockets dropped on every hub. */
  async revokeToken(actor: Actor, jti: string): Promise<IssuedToken> {
    const before = await this.tokens.find(this.siteId, jti);
    if (!before) {
      this.audit({ actor: actor.session, action: 'token:revoke', outcome: 'not_found', targetType: 'token', targetId: jti, from: actor.from });
      throw new AccountsError('not_found', apiFail('unknown_token', { jti }));
    }
    const after = (await this.tokens.revoke(this.siteId, jti, actor.session.userId))!;
    await this.revocations.revokeToken(jti, after.subject, after.expiresAt);
    this.audit({ actor: actor.session, action: 'token:revoke', targetType: 'token', targetId: jti, from: actor.from, before: tokenView(before), after: tokenView(after) });
    return after;
  }

  private async requireUser(actor: Actor, action: string, id: string): Promise<UserRecord> {
    const u = await this.get(id);
    if (!u) {
      this.record(actor, action, id, null, null, 'not_found');
      throw new AccountsError('not_found', apiFail('unknown_user', { userId: id }));
    }
    return u;
  }

  private record(actor: Actor, action: string, targetId: string, before: unknown, after: unknown, outcome = 'ok'): void {
    this.audit({ actor: actor.session, action, outcome, targetType: 'user', targetId, from: actor.from, before, after });
  }
}
