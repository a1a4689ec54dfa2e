/**
 * Mints a credential for scripts and adapters: `npm run token -- --role telephony [--sub pbx1] [--agent a01] [--team t] [--expires 30d]`.
 * Uses CALLBOARD_JWT_SECRET (or the development secret, like the hub).
 */
import { parseArgs } from 'node:util';
import { RoleSchema, type SessionDTO } from '../../realtime/src/contracts/index.ts';
import { jwtSecret, signToken } from '../../realtime/src/hub/auth.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'telephony' },
    sub: { type: 'string' },
    name: { type: 'string' },
    agent: { type: 'string' },
    team: { type: 'string', multiple: true },
    expires: { type: 'string', default: '30d' },
  },
});
const role = RoleSchema.safeParse(values.role);
if (!role.success) {
  console.error(`--role must be one of ${RoleSchema.options.join(', ')}`);
  process.exit(2);
}
const s: SessionDTO = {
  userId: values.sub ?? values.agent ?? role.data,
  name: values.name ?? values.sub ?? role.data,
  role: role.data,
  teamIds: values.team ?? [],
};
if (values.agent) s.agentId = values.agent;
console.log(signToken(jwtSecret(), s, values.expires as never));
