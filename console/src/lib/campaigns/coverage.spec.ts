import { describe, expect, it } from 'vitest';
import { coverageParts, processedPct, type Coverage } from './coverage.ts';

const cov: Coverage = { leadsPending: 50, leadsRetryWaiting: 10, leadsInProgress: 5, leadsDone: 20, leadsExhausted: 8, leadsDnc: 3, leadsInvalid: 2, leadsQuota: 2, total: 100 };

describe('lead coverage board', () => {
  it('puts every lead in exactly one part, in board order', () => {
    const parts = coverageParts(cov);
    expect(parts.map((p) => p.key)).toEqual(['leadsPending', 'leadsRetryWaiting', 'leadsInProgress', 'leadsDone', 'leadsExhausted', 'leadsDnc', 'leadsInvalid', 'leadsQuota']);
    expect(parts.reduce((n, p) => n + p.n, 0)).toBe(cov.total);
    expect(parts.find((p) => p.key === 'leadsDnc')?.cls).toBe('barred');
  });
  it('processed share: finished or barred leads out of all; none without leads', () => {
    expect(processedPct(cov)).toBe(35);
    expect(processedPct({ ...cov, total: 0 })).toBeNull();
  });
});
