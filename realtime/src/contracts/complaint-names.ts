/**
 * The built-in complaint codes by name, in Vietnamese and English: the categories and departments of
 * the default routes (`DEFAULT_COMPLAINT_ROUTES`) and the default root causes (whose English names are
 * their default labels, `DEFAULT_COMPLAINT_ROOT_CAUSES`). One table for the hub's printable report and
 * the console (its messages' `cc_` and `dep_` keys and its root-cause names come from here), like
 * `METRIC_NAMES` for the metrics.
 *
 * A site defines its own codes (its routes and root causes, `/api/v1/complaints/config/*`): a code this
 * table does not know is shown as it is; a site's root cause carries its own label, shown as written.
 *
 * Dependency-free on purpose: the console imports it.
 */
import type { ReportLang } from './reports.ts';

type Names = Record<ReportLang, string>;

/** Complaint categories of the default routes. */
export const COMPLAINT_CATEGORY_NAMES = {
  medical: { vi: 'Y tế', en: 'Medical' },
  'vaccine-reaction': { vi: 'Phản ứng sau tiêm', en: 'Vaccine reaction' },
  service: { vi: 'Dịch vụ', en: 'Service' },
  billing: { vi: 'Thanh toán', en: 'Billing' },
  marketing: { vi: 'Tiếp thị', en: 'Marketing' },
  sales: { vi: 'Bán hàng', en: 'Sales' },
  staff: { vi: 'Thái độ nhân viên', en: 'Staff behaviour' },
  stock: { vi: 'Hết hàng', en: 'Out of stock' },
  product: { vi: 'Sản phẩm', en: 'Product' },
  other: { vi: 'Khác', en: 'Other' },
} as const satisfies Record<string, Names>;

/** Departments the default routes send complaints to. */
export const DEPARTMENT_NAMES = {
  medical: { vi: 'Khối y tế', en: 'Medical' },
  'customer-care': { vi: 'Chăm sóc khách hàng', en: 'Customer care' },
  finance: { vi: 'Tài chính – kế toán', en: 'Finance' },
  marketing: { vi: 'Marketing', en: 'Marketing' },
  sales: { vi: 'Kinh doanh', en: 'Sales' },
  hr: { vi: 'Nhân sự', en: 'HR' },
  warehouse: { vi: 'Kho', en: 'Warehouse' },
  product: { vi: 'Phát triển sản phẩm', en: 'Product' },
} as const satisfies Record<string, Names>;

/** The root causes a site starts with; the English name is the default label a site stores. */
export const ROOT_CAUSE_NAMES = {
  'wait-time': { vi: 'Chờ lâu trên tổng đài', en: 'Long wait on the hotline' },
  'staff-behaviour': { vi: 'Thái độ nhân viên', en: 'Staff behaviour' },
  'wrong-information': { vi: 'Thông tin sai hoặc thiếu', en: 'Wrong or missing information' },
  'out-of-stock': { vi: 'Hết vắc xin hoặc sản phẩm', en: 'Vaccine or product out of stock' },
  'billing-error': { vi: 'Sai sót thanh toán', en: 'Billing error' },
  clinical: { vi: 'Vấn đề chuyên môn (phản ứng, điều trị)', en: 'Clinical issue (reaction, treatment)' },
  process: { vi: 'Quy trình hoặc chính sách', en: 'Process or policy' },
  system: { vi: 'Lỗi hệ thống hoặc ứng dụng', en: 'System or app fault' },
  'customer-expectation': { vi: 'Kỳ vọng của khách (không có lỗi)', en: 'Customer expectation (no fault found)' },
} as const satisfies Record<string, Names>;

const known = (table: Record<string, Names>, code: string): Names | undefined => (Object.hasOwn(table, code) ? table[code] : undefined);

/** A complaint category's name in `lang`; a site's own code as it is. */
export function categoryName(code: string, lang: ReportLang): string {
  return known(COMPLAINT_CATEGORY_NAMES, code)?.[lang] ?? code;
}

/** A department's name in `lang`; a site's own code as it is. */
export function departmentName(code: string, lang: ReportLang): string {
  return known(DEPARTMENT_NAMES, code)?.[lang] ?? code;
}

/**
 * A root cause's name in `lang`: the site's label (`label`) as written, except for a built-in code whose
 * label is still the English default, which is named in `lang`. Without a label (or with the code as its
 * label: a report's cause the site has since removed from its list): the built-in name, else the code.
 */
export function rootCauseName(code: string, lang: ReportLang, label?: string): string {
  const n = known(ROOT_CAUSE_NAMES, code);
  if (label !== undefined && label !== code && label !== n?.en) return label;
  return n?.[lang] ?? code;
}

type CategoryMessages = { [K in keyof typeof COMPLAINT_CATEGORY_NAMES as `cc_${K}`]: string };
type DepartmentMessages = { [K in keyof typeof DEPARTMENT_NAMES as `dep_${K}`]: string };

/** The names as the console's messages hold them: `cc_vaccine-reaction`, `dep_customer-care`, ... */
export function complaintNameMessages(lang: ReportLang): CategoryMessages & DepartmentMessages {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(COMPLAINT_CATEGORY_NAMES)) out[`cc_${k}`] = v[lang];
  for (const [k, v] of Object.entries(DEPARTMENT_NAMES)) out[`dep_${k}`] = v[lang];
  return out as CategoryMessages & DepartmentMessages;
}
