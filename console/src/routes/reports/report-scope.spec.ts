import { describe, expect, it } from 'vitest';
import { pickedId, scopeIds } from './report-scope.ts';

const live = {
  queues: [
    { id: 'vaccine-booking', name: 'Vaccine booking', nameVi: 'Đặt lịch tiêm chủng' },
    { id: 'advice', name: 'Advice', nameVi: 'Tư vấn' },
  ],
  teams: [
    { id: 'team-booking', name: 'Booking team', nameVi: 'Tổ đặt lịch' },
    { id: 'team-care', name: 'Care team', nameVi: 'Tổ chăm sóc' },
  ],
  agents: [
    { id: 'a01', name: 'Bùi Minh Dung', teamId: 'team-booking' },
    { id: 'a11', name: 'Nguyễn Văn Nam', teamId: 'team-care' },
  ],
};

describe('report scope list', () => {
  it('names the lines in the page language (Vietnamese names on the Vietnamese page)', () => {
    expect(scopeIds('queue', live, 'vi').map((x) => x.name)).toEqual(['Đặt lịch tiêm chủng', 'Tư vấn']);
    expect(scopeIds('queue', live, 'en').map((x) => x.name)).toEqual(['Vaccine booking', 'Advice']);
    expect(scopeIds('team', live, 'vi').map((x) => x.name)).toEqual(['Tổ đặt lịch', 'Tổ chăm sóc']);
  });
  it('a campaign report offers the campaigns by name (none until they are read)', () => {
    const campaigns = [{ id: 'vaccine-packages', name: 'Gói vắc xin 2026' }, { id: 'satisfaction-survey', name: 'Khảo sát hài lòng' }];
    expect(scopeIds('campaign', { ...live, campaigns }, 'vi')).toEqual(campaigns);
    expect(scopeIds('campaign', live, 'vi')).toEqual([]);
    expect(pickedId('campaign', '', scopeIds('campaign', { ...live, campaigns }, 'vi'))).toBe('vaccine-packages');
  });
  it("a team lead's lists hold their own teams and agents only", () => {
    expect(scopeIds('team', live, 'vi', ['team-care']).map((x) => x.id)).toEqual(['team-care']);
    expect(scopeIds('agent', live, 'vi', ['team-care']).map((x) => x.id)).toEqual(['a11']);
    expect(scopeIds('site', live, 'vi')).toEqual([]);
  });
  it('reports on the pick, else the first of the list (what the list then shows selected)', () => {
    const teams = scopeIds('team', live, 'vi');
    expect(pickedId('team', '', teams)).toBe('team-booking');
    expect(pickedId('team', 'team-care', teams)).toBe('team-care');
    expect(pickedId('site', 'team-care', teams)).toBe('');
    expect(pickedId('agent', '', [])).toBe('');
  });
});

describe('report scope change', () => {
  it('a line picked, then the scope changed to team: the report and the list are about the first team, not the line id', () => {
    const teams = scopeIds('team', live, 'vi');
    expect(pickedId('team', 'vaccine-booking', teams)).toBe('team-booking');
    expect(pickedId('agent', 'team-care', scopeIds('agent', live, 'vi'))).toBe('a01');
  });
  it('an id the address named (an imported data set) is kept for its scope only', () => {
    const queues = scopeIds('queue', live, 'vi');
    const address = { scope: 'queue', id: 'bank-queue-1' };
    expect(pickedId('queue', 'bank-queue-1', queues, address)).toBe('bank-queue-1');
    expect(pickedId('team', 'bank-queue-1', scopeIds('team', live, 'vi'), address)).toBe('team-booking');
  });
});
