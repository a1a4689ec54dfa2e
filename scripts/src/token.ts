/**
 * Mints a credential for scripts and adapters:
 * `npm run token -- --role telephony [--sub pbx1] [--agent a01] [--team t] [--expires 30d] [--label "PBX A"]`
 * `[--site ID] [--database-url URL | --data-dir DIR] [--no-record]`.
 *
 * Uses CALLBOARD_JWT_SECRET (or the development secret, like the hub). Each token has a `jti` and is
 * recorded in the database (`issued_tokens`: subject, role, label, who, when; never the token) with an
 * audit entry `token:issue`, so an admin can list it and revoke it alone (`/api/v1/admin/tokens`,
 * docs/ACCESS.md). The token goes to stdout, what was recorded to stderr. `--no-record` mints one
 * without the database (for a hub without accounts): it cannot be revoked one by one. So does a run while
 * `npm start` holds the embedded PGlite database (said on stderr).
 */
import { parseArgs } from 'node:util';
import { RoleSchema, type SessionDTO } from '../../realtime/src/contracts/index.ts';
import { AuditRepository } from '../../realtime/src/accounts/audit.repository.ts';
import { cliIssuer, durationSec, mintToken } from '../../realtime/src/accounts/tokens.ts';
import { jwtSecret, signToken } from '../../realtime/src/hub/auth.ts';
import { loadSite } from '../../realtime/src/site/load-site.ts';
import { DataDirInUse, openDatabase, safeErrorMessage } from '../../realtime/src/storage/index.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'telephony' },
    sub: { type: 'string' },
    name: { type: 'string' },
    agent: { type: 'string' },
    team: { type: 'string', multiple: true },
    expires: { type: 'string', default: '30d' },
    label: { type: 'string', default: '' },
    site: { type: 'string' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    'no-record': { type: 'boolean' },
  },
});
const role = RoleSchema.safeParse(values.role);
if (!role.success) {
  console.error(`--role must be one of ${RoleSchema.options.join(', ')}`);
  process.exit(2);
}
let expiresSec: number;
try {
  expiresSec = durationSec(values.expires);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}

const roleName = role.data;
function unrecorded(why: string): never {
  const s: SessionDTO = { userId: values.sub ?? values.agent ?? roleName, name: values.name ?? values.sub ?? roleName, role: roleName, teamIds: values.team ?? [] };
  if (values.agent) s.agentId = values.agent;
  console.error(`not recorded (${why}): this token cannot be revoked one by one; rotate CALLBOARD_JWT_SECRET to end it early`);
  console.log(signToken(jwtSecret(), s, expiresSec));
  process.exit(0);
}

if (values['no-record']) unrecorded('--no-record');

const siteId = values.site ?? loadSite().id;
let database;
try {
  database = await openDatabase({
    ...(values['database-url'] ? { url: values['database-url'] } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  });
} catch (err) {
  const msg = safeErrorMessage(err);
  // The demo's usual case: `npm start` holds the embedded database. A script still gets its token (what the
  // README's examples do); a revocable one comes from the hub (POST /api/v1/admin/tokens) or with DATABASE_URL.
  if (err instanceof DataDirInUse) {
    unrecorded('the embedded database is in use by a running hub; for a token an admin can revoke on its own, use POST /api/v1/admin/tokens or DATABASE_URL');
  }
  console.error(
    `cannot record the token in the database (${msg}).\n` +
      'Use DATABASE_URL; or let an admin mint one with POST /api/v1/admin/tokens;\n' +
      'or --no-record (a token that cannot be revoked one by one).',
  );
  process.exit(2);
}
try {
  const issuedBy = cliIssuer();
  const r = await mintToken(
    database.db,
    siteId,
    jwtSecret(),
    {
      role: role.data,
      ...(values.sub ? { subject: values.sub } : {}),
      ...(values.name ? { name: values.name } : {}),
      ...(values.agent ? { agentId: values.agent } : {}),
      ...(values.team ? { teamIds: values.team } : {}),
      label: values.label,
      expiresIn: expiresSec,
    },
    issuedBy,
  );
  // Straight onto the site's audit chain (the hub's trail is in another process).
  await new AuditRepository(database).append(siteId, [{ ...r.audit, siteId, at: r.record.issuedAt }]);
  console.error(`token ${r.record.jti} recorded for site ${siteId}: ${r.record.role} "${r.record.subject}", expires ${r.record.expiresAt.toISOString()}`);
  console.log(r.token);
} finally {
  await database.close();
}
