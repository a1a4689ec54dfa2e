import { describe, expect, it } from 'vitest';
import { dispositionsFor, fieldsFor, missingFields, toFinishCmd } from './wrapup.ts';

describe('wrap-up data entry', () => {
  it('offers the outcomes of the line', () => {
    expect(dispositionsFor('complaints')).toEqual(['complaint', 'resolved', 'callback']);
    expect(dispositionsFor('unknown-line')).toContain('booked');
  });
  it('requires the fields of the chosen outcome, notes always shown', () => {
    expect(fieldsFor('booked')).toEqual([
      { name: 'appointment', required: true },
      { name: 'branch', required: true },
      { name: 'notes', required: false },
    ]);
    expect(fieldsFor('info')).toEqual([{ name: 'notes', required: false }]);
    expect(missingFields('booked', { appointment: '2026-12-01' })).toEqual(['branch']);
    // A complaint says which kind it is (that routes it to its department), how severe, and what happened.
    expect(missingFields('complaint', { severity: 'high', notes: 'short' })).toEqual(['category', 'notes']);
    expect(missingFields('complaint', { category: 'service', severity: 'high', notes: 'Khách phản ánh chờ lâu ở quầy' })).toEqual([]);
    expect(missingFields('sold', { revenue: '0' })).toEqual(['revenue']);
    expect(missingFields('info', {})).toEqual([]);
  });
  it('puts the structured fields in front of the notes of the command', () => {
    expect(toFinishCmd('c1', 'booked', { appointment: '2026-12-01', branch: 'Quận 7', notes: ' Mũi 2 ' })).toEqual({
      callId: 'c1',
      disposition: 'booked',
      notes: 'appointment: 2026-12-01\nbranch: Quận 7\nMũi 2',
    });
    expect(toFinishCmd('c2', 'sold', { revenue: '1500000' })).toEqual({ callId: 'c2', disposition: 'sold', revenue: 1500000 });
    expect(toFinishCmd('c3', 'info', {})).toEqual({ callId: 'c3', disposition: 'info' });
    // The lines the hub's complaint intake reads back (category routes it, severity high raises its priority).
    expect(toFinishCmd('c4', 'complaint', { severity: 'high', category: 'vaccine-reaction', notes: 'Bé sốt cao sau tiêm' })).toEqual({
      callId: 'c4',
      disposition: 'complaint',
      notes: 'category: vaccine-reaction\nseverity: high\nBé sốt cao sau tiêm',
    });
  });
});
