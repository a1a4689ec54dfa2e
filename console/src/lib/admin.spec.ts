import { describe, expect, it } from 'vitest';
import { auditQuery, changes } from './admin.ts';

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
