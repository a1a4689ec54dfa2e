import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditQuery, changes, ID_PATTERN, mintBody, tokenStatus, withoutSecret } from './admin.ts';

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

/** An input's `pattern` as Chromium compiles it (HTML: anchored, with the `v` flag). */
const asBrowser = (pattern: string) => new RegExp(`^(?:${pattern})$`, 'v');

describe('input patterns', () => {
  it('the id pattern compiles as Chromium compiles it and takes what the hub takes (letters, digits, . _ @ -)', () => {
    // The one of before: invalid under `v` (Chromium logged an error and validated nothing).
    expect(() => asBrowser('[A-Za-z0-9._@-]+')).toThrow(SyntaxError);
    const id = asBrowser(ID_PATTERN);
    for (const ok of ['a1', 'pbx-svc', 'lan.nguyen@clinic', 'report_script']) expect(id.test(ok), ok).toBe(true);
    for (const bad of ['tổng đài', 'a 1', 'x/y', '']) expect(id.test(bad), bad).toBe(false);
  });

  it('every literal pattern of the console\'s pages compiles as Chromium compiles it', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.svelte'));
    const patterns = files.flatMap((f) => [...readFileSync(join(root, f), 'utf8').matchAll(/\spattern="([^"]*)"/g)].map((m) => [f, m[1]!] as const));
    expect(patterns.length).toBeGreaterThan(0);
    for (const [f, p] of patterns) expect(() => asBrowser(p), `${f}: ${p}`).not.toThrow();
  });
});
