/**
 * The complaint codes' names (`complaint-names.ts`): every built-in code named in both languages, a
 * site's own code as it is, a root cause's own label as written.
 */
import { describe, expect, it } from 'vitest';
import { categoryName, COMPLAINT_CATEGORY_NAMES, complaintNameMessages, DEPARTMENT_NAMES, departmentName, ROOT_CAUSE_NAMES, rootCauseName } from './complaint-names.ts';
import { DEFAULT_COMPLAINT_ROOT_CAUSES, DEFAULT_COMPLAINT_ROUTES } from './records.ts';

const LANGS = ['vi', 'en'] as const;

describe('complaint code names', () => {
  it('every category and department of the default routes and every default root cause has a Vietnamese and an English name', () => {
    const categories = DEFAULT_COMPLAINT_ROUTES.map((r) => r.category);
    const departments = [...new Set(DEFAULT_COMPLAINT_ROUTES.map((r) => r.department))];
    const causes = DEFAULT_COMPLAINT_ROOT_CAUSES.map((c) => c.code);
    for (const lang of LANGS) {
      for (const code of categories) expect(categoryName(code, lang), `${lang} category ${code}`).not.toBe(code);
      for (const code of departments) expect(departmentName(code, lang), `${lang} department ${code}`).not.toBe(code);
      for (const code of causes) expect(rootCauseName(code, lang), `${lang} root cause ${code}`).not.toBe(code);
    }
    // No name left blank or untranslated by mistake (a name may read the same in both: "Marketing").
    for (const table of [COMPLAINT_CATEGORY_NAMES, DEPARTMENT_NAMES, ROOT_CAUSE_NAMES]) {
      for (const [code, n] of Object.entries(table)) {
        expect(n.vi.trim(), code).not.toBe('');
        expect(n.en.trim(), code).not.toBe('');
      }
    }
    // The table names no code the defaults lack (a stale row would be a name nobody sees).
    expect(Object.keys(COMPLAINT_CATEGORY_NAMES).sort()).toEqual([...categories].sort());
    expect(Object.keys(DEPARTMENT_NAMES).sort()).toEqual([...departments].sort());
    expect(Object.keys(ROOT_CAUSE_NAMES)).toEqual(causes);
  });

  it('names in each language; a site\'s own code as it is', () => {
    expect(departmentName('customer-care', 'vi')).toBe('Chăm sóc khách hàng');
    expect(departmentName('customer-care', 'en')).toBe('Customer care');
    expect(categoryName('vaccine-reaction', 'vi')).toBe('Phản ứng sau tiêm');
    expect(categoryName('vaccine-reaction', 'en')).toBe('Vaccine reaction');
    expect(departmentName('pharmacy-desk', 'vi')).toBe('pharmacy-desk');
    expect(categoryName('pharmacy', 'en')).toBe('pharmacy');
    // Not an own property: a code is never read off the prototype.
    expect(categoryName('toString', 'vi')).toBe('toString');
  });

  it('root causes: the default label is named in each language, a site\'s own label as written, a removed cause by its code', () => {
    expect(rootCauseName('wait-time', 'vi', 'Long wait on the hotline')).toBe('Chờ lâu trên tổng đài');
    expect(rootCauseName('wait-time', 'en', 'Long wait on the hotline')).toBe('Long wait on the hotline');
    expect(rootCauseName('wait-time', 'en', 'Chờ máy quá 5 phút')).toBe('Chờ máy quá 5 phút');
    expect(rootCauseName('parking', 'en', 'Không có chỗ đỗ xe')).toBe('Không có chỗ đỗ xe');
    // A report names a cause the site has since removed by its code (its label is the code).
    expect(rootCauseName('clinical', 'vi', 'clinical')).toBe('Vấn đề chuyên môn (phản ứng, điều trị)');
    expect(rootCauseName('leaflet', 'vi', 'leaflet')).toBe('leaflet');
    expect(rootCauseName('leaflet', 'en')).toBe('leaflet');
  });

  it('the console\'s messages: cc_ and dep_ keys from the same table', () => {
    const vi = complaintNameMessages('vi');
    expect(vi['cc_vaccine-reaction']).toBe('Phản ứng sau tiêm');
    expect(vi['dep_customer-care']).toBe('Chăm sóc khách hàng');
    expect(complaintNameMessages('en').dep_hr).toBe('HR');
    expect(Object.keys(vi)).toHaveLength(Object.keys(COMPLAINT_CATEGORY_NAMES).length + Object.keys(DEPARTMENT_NAMES).length);
  });
});
