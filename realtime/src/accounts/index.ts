/** Accounts and access (docs/ACCESS.md): users, grants, revocation, the access matrix and the audit log. */
export * from './access.ts';
export * from './accounts.service.ts';
export * from './admin.routes.ts';
export * from './audit-chain.ts';
export * from './audit-verify.ts';
export * from './audit.repository.ts';
export * from './audit.service.ts';
export * from './login-throttle.ts';
export * from './passwords.ts';
export * from './revocation.ts';
export * from './safe-logger.ts';
export * from './users.repository.ts';
