import { describe, expect, it } from 'vitest';
import { auditQuery, changes, mintBody, tokenStatus, withoutSecret } from './admin.ts';

describe('auditQuery', () => {
  it('leaves out empty filters and turns local times into epoch ms', () => {
    expect(auditQuery({ actor: '', action: '', target: '', from: '', to: '' })).toBe('/api/v1/audit?limit=100');
    const from = new Date('2026-11-22T08:00').getTime();
    expect(auditQuery({ actor: ' admin ', action: 'user:*', target: 'a05', from: '2026-11-22T08:00', to: '' }, { limit: 50, before: 17 })).toBe(
      `/api/v1/audit?actor=admin&action=user%3A*&target=a05&from=${from}&limit=50&before=17`,
    );
  });
});

describe('changes', () => {
  it('lists the fields that differ, added and removed ones included', () => {
    expect(changes({ role: 'qa', access: ['console'], name: 'X' }, { role: 'supervisor', access: ['campaigns', 'console'], name: 'X' })).toEqual([
      'access: ["console"] → ["campaigns","console"]',
      'role: qa → supervisor',
    ]);
    expect(changes(null, { open: false })).toEqual(['open: false']);
    expect(changes({ tokenVersion: 1 }, null)).toEqual(['tokenVersion: 1 → –']);
  });
});

describe('tokens', () => {
  const t = { revokedAt: null, expiresAt: '2026-12-01T00:00:00.000Z' };
  const at = (iso: string) => new Date(iso).getTime();
  it('a token is active until it expires; a revoked one is revoked even once past its expiry', () => {
    expect(tokenStatus(t, at('2026-11-30T23:59:59Z'))).toBe('active');
    expect(tokenStatus(t, at('2026-12-01T00:00:00Z'))).toBe('expired');
    expect(tokenStatus({ ...t, revokedAt: '2026-11-22T10:00:00Z' }, at('2026-11-22T11:00:00Z'))).toBe('revoked');
    expect(tokenStatus({ ...t, revokedAt: '2026-11-22T10:00:00Z' }, at('2027-01-01T00:00:00Z'))).toBe('revoked');
  });

  it('the mint body leaves out an empty subject and agent and trims what was typed', () => {
    expect(mintBody({ role: 'telephony', label: ' PBX tòa A ', expiresIn: '90d', subject: '  ', agentId: '' })).toEqual({ role: 'telephony', label: 'PBX tòa A', expiresIn: '90d' });
    expect(mintBody({ role: 'agent', label: '', expiresIn: '1y', subject: ' softphone-a1 ', agentId: ' a1' })).toEqual({ role: 'agent', label: '', expiresIn: '1y', subject: 'softphone-a1', agentId: 'a1' });
  });

  it('the list never keeps the minted secret', () => {
    const view = { jti: 'j1', subject: 'telephony', name: 'telephony', role: 'telephony' as const, agentId: null, teamIds: [], label: 'PBX', issuedBy: 'admin', issuedAt: '2026-11-22T10:00:00.000Z', expiresAt: '2026-12-22T10:00:00.000Z', revokedAt: null, revokedBy: null };
    const listed = withoutSecret({ ...view, token: 'eyJ.secret.sig' });
    expect(listed).toEqual(view);
    expect(JSON.stringify(listed)).not.toContain('secret');
  });
});
