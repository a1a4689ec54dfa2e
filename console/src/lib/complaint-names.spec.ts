/**
 * The console names complaint codes from the contracts' table (`$contracts/complaint-names.ts`), the one
 * the hub's printable report uses: every default route's category and department has its message in
 * both languages, equal to the table's.
 */
import { describe, expect, it } from 'vitest';
import { categoryName, departmentName } from '$contracts/complaint-names.ts';
import { DEFAULT_COMPLAINT_ROUTES } from '$contracts/records.ts';
import { codeName } from './complaints.ts';
import { MESSAGES, type MessageKey } from './messages.ts';

const t = (lang: 'vi' | 'en') => (k: MessageKey) => MESSAGES[lang][k] ?? k;

describe('complaint code names in the console', () => {
  it('every default category and department is named in Vietnamese and English, as the printable report names it', () => {
    for (const lang of ['vi', 'en'] as const) {
      for (const r of DEFAULT_COMPLAINT_ROUTES) {
        expect(codeName(t(lang), 'cc_', r.category)).toBe(categoryName(r.category, lang));
        expect(codeName(t(lang), 'dep_', r.department)).toBe(departmentName(r.department, lang));
        expect(codeName(t(lang), 'dep_', r.department)).not.toBe(r.department);
      }
    }
    expect(codeName(t('vi'), 'dep_', 'customer-care')).toBe('Chăm sóc khách hàng');
    expect(codeName(t('en'), 'cc_', 'vaccine-reaction')).toBe('Vaccine reaction');
    // A site's own code: as typed.
    expect(codeName(t('vi'), 'dep_', 'pharmacy-desk')).toBe('pharmacy-desk');
  });
});
