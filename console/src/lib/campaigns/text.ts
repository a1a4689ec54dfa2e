/**
 * Strings of the campaign pages, Vietnamese and English (the English table is typed by the Vietnamese
 * keys, so a missing translation does not compile). Kept beside the pages; the shared `messages.ts`
 * holds only the navigation label.
 *
 * The pacer's reasons (why it dials as it does, the inbound governor, the alerts) arrive as codes with
 * arguments beside an English sentence (`queue-workers/src/campaigns/pace-reasons.ts`): `whyText`,
 * `governorText` and `alertTexts` word them in the page's language, and show the English sentence when
 * the code is missing or unknown (a pace record of an older or newer worker).
 */
import { i18n } from '$lib/i18n.svelte.ts';
import { DASH, fillVars, fmtInt, fmtPct, LOCALES, type Lang } from '$lib/format.ts';
import { formulaText } from '$lib/explain.ts';
import type { GovernorInfo, GovernorQueue, PaceAlert, Pacing, PaceWhyInfo } from './api.ts';

const VI = {
  title: 'Chiến dịch gọi ra',
  newCampaign: 'Tạo chiến dịch',
  id: 'Mã',
  name: 'Tên',
  type: 'Loại',
  telesales: 'Telesales',
  survey: 'Khảo sát',
  queue: 'Hàng đợi',
  mode: 'Chế độ quay số',
  preview: 'Xem trước',
  progressive: 'Lũy tiến',
  predictive: 'Dự đoán',
  status: 'Trạng thái',
  draft: 'Nháp',
  running: 'Đang chạy',
  paused: 'Tạm dừng',
  stopped: 'Đã dừng',
  completed: 'Hoàn tất',
  start: 'Bắt đầu',
  pause: 'Tạm dừng',
  stop: 'Dừng',
  confirmStop: 'Dừng chiến dịch {c}? Các cuộc đang quay sẽ kết thúc, không quay thêm.',
  maxAttempts: 'Số lần gọi tối đa',
  window: 'Khung giờ gọi (giờ của khách)',
  dropCap: 'Tỷ lệ rớt tối đa (%)',
  dropWindow: 'Tính trong (giờ; 0 = cả chiến dịch)',
  script: 'Kịch bản cho nhân viên',
  save: 'Lưu',
  saved: 'Đã lưu',
  create: 'Tạo',
  created: 'Đã tạo chiến dịch {c}',
  open: 'Mở',
  coverage: 'Độ phủ danh sách',
  leadsPending: 'Chưa gọi',
  leadsRetryWaiting: 'Chờ gọi lại',
  leadsInProgress: 'Đang gọi',
  leadsDone: 'Hoàn tất',
  leadsExhausted: 'Hết lượt',
  leadsDnc: 'Không làm phiền',
  leadsInvalid: 'Số sai',
  leadsQuota: 'Đủ chỉ tiêu',
  total: 'Tổng',
  pacing: 'Nhịp quay số',
  why: 'Lý do',
  governor: 'Bảo vệ tổng đài vào',
  alerts: 'Cảnh báo',
  inflight: 'Đang quay',
  waiting: 'Khách chờ nhân viên',
  results: 'Kết quả',
  attempts: 'Lượt gọi',
  connectivityRatePct: 'Tỷ lệ kết nối',
  dropRatePct: 'Tỷ lệ rớt',
  conversionRatePct: 'Tỷ lệ chuyển đổi',
  revenue: 'Doanh thu',
  npsScore: 'NPS',
  csatPct: 'CSAT',
  surveyResponseRatePct: 'Tỷ lệ trả lời khảo sát',
  byAgent: 'Theo nhân viên',
  byTeam: 'Theo nhóm',
  answered: 'Đã nghe',
  handled: 'Đã xử lý',
  conversions: 'Chuyển đổi',
  importLeads: 'Nhập danh sách khách hàng (CSV)',
  importHint: 'Cột: so_dien_thoai (hoặc phone), ho_ten, phan_khuc, agent, team… Số điện thoại chuẩn hoá E.164 (+84); dòng lỗi được báo, không dừng việc nhập.',
  upload: 'Tải lên',
  chooseFile: 'Chọn tệp CSV',
  noFile: 'Chưa chọn tệp',
  rowsRead: 'Dòng đã đọc',
  inserted: 'Khách mới',
  merged: 'Gộp trùng',
  rejected: 'Dòng lỗi',
  row: 'Dòng',
  reason: 'Lý do',
  edit: 'Sửa chiến dịch',
  none: 'Chưa có chiến dịch nào.',
  bullBoard: 'Hàng đợi công việc (Bull Board)',
  failed: 'Lỗi: {m}',
  back: '← Tất cả chiến dịch',
  why_preview: 'Xem trước: nhân viên tự quay số',
  why_progressive: 'Lũy tiến: quay một số cho mỗi nhân viên đang rảnh',
  why_measuring: 'Dự đoán: đang đo tỷ lệ kết nối (lũy tiến trong {n} lượt gọi đầu)',
  why_dropNearCap: 'Dự đoán: tỷ lệ rớt {rate} {span} đã gần mức tối đa {cap}, tạm quay lũy tiến',
  why_dropOverCap: 'Dự đoán: tỷ lệ rớt {rate} {span} đã vượt mức tối đa {cap}, tạm quay lũy tiến',
  span_hours: 'trong {n} giờ qua',
  span_campaign: 'từ đầu chiến dịch',
  why_predictive: 'Dự đoán: {n} cuộc đang quay cho khoảng {agents} nhân viên, tỷ lệ kết nối {pct}',
  why_governorStopped: 'Ngừng quay: mức phục vụ của tổng đài vào dưới mục tiêu',
  why_draft: 'Chiến dịch chưa chạy (bản nháp)',
  why_paused: 'Chiến dịch đang tạm dừng',
  why_stopped: 'Chiến dịch đã dừng',
  why_completed: 'Chiến dịch đã hoàn tất',
  why_ended: 'Đã đến ngày kết thúc: chiến dịch hoàn tất',
  why_notStarted: 'Chưa đến ngày bắt đầu',
  why_allDone: 'Đã gọi xong toàn bộ danh sách khách hàng',
  why_quotaReached: 'Đã đủ chỉ tiêu khảo sát',
  why_quotaReachedN: 'Đã đủ chỉ tiêu khảo sát ({n} khảo sát hoàn thành)',
  why_outsideWindow: 'Ngoài khung giờ gọi ({start}–{end} theo giờ của khách)',
  gov_atTarget: 'Tổng đài vào đạt mục tiêu',
  gov_recovered: 'Tổng đài vào đã trở lại mục tiêu, quay lại nhịp bình thường',
  gov_paused: 'Đang giảm nhịp (tạm dừng): {queues}',
  gov_halfPace: 'Đang giảm nhịp (còn một nửa): {queues}',
  gov_queue: '{q} mức phục vụ {sl} < mục tiêu {target}',
  gov_queueWaiting: '{q} mức phục vụ {sl} < mục tiêu {target}, {n} cuộc đang chờ',
  alert_segmentQuota: 'Đã đủ chỉ tiêu phân khúc {segments}: không quay các khách hàng này nữa',
  alert_runningOut: 'Sắp hết danh sách: còn {n} khách hàng, khoảng {m} phút nữa ở nhịp quay hiện tại',
  imp_unreadableRow: 'Dòng CSV không đọc được (dấu ngoặc kép không khớp)',
  imp_missingPhone: 'Thiếu số điện thoại',
  imp_invalidPhone: 'Số điện thoại không hợp lệ',
  imp_unknownTimeZone: 'Múi giờ không xác định',
  imp_unknownAgent: 'Không có điện thoại viên này',
  imp_unknownTeam: 'Không có nhóm này',
} as const;

type Key = keyof typeof VI;

const EN: Record<Key, string> = {
  title: 'Outbound campaigns',
  newCampaign: 'New campaign',
  id: 'Id',
  name: 'Name',
  type: 'Type',
  telesales: 'Telesales',
  survey: 'Survey',
  queue: 'Queue',
  mode: 'Dialing mode',
  preview: 'Preview',
  progressive: 'Progressive',
  predictive: 'Predictive',
  status: 'Status',
  draft: 'Draft',
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
  completed: 'Completed',
  start: 'Start',
  pause: 'Pause',
  stop: 'Stop',
  confirmStop: 'Stop campaign {c}? Dials in progress finish; no new ones.',
  maxAttempts: 'Max attempts',
  window: 'Call window (callee time)',
  dropCap: 'Drop-rate cap (%)',
  dropWindow: 'Over the last (hours; 0 = whole campaign)',
  script: 'Script for agents',
  save: 'Save',
  saved: 'Saved',
  create: 'Create',
  created: 'Campaign {c} created',
  open: 'Open',
  coverage: 'Lead coverage',
  leadsPending: 'Never attempted',
  leadsRetryWaiting: 'Waiting for retry',
  leadsInProgress: 'In progress',
  leadsDone: 'Done',
  leadsExhausted: 'Exhausted',
  leadsDnc: 'Do not call',
  leadsInvalid: 'Invalid number',
  leadsQuota: 'Quota reached',
  total: 'Total',
  pacing: 'Pacing',
  why: 'Why',
  governor: 'Inbound governor',
  alerts: 'Alerts',
  inflight: 'Dialing',
  waiting: 'Waiting for an agent',
  results: 'Results',
  attempts: 'Attempts',
  connectivityRatePct: 'Connectivity',
  dropRatePct: 'Drop rate',
  conversionRatePct: 'Conversion',
  revenue: 'Revenue',
  npsScore: 'NPS',
  csatPct: 'CSAT',
  surveyResponseRatePct: 'Survey response',
  byAgent: 'By agent',
  byTeam: 'By team',
  answered: 'Answered',
  handled: 'Handled',
  conversions: 'Conversions',
  importLeads: 'Import leads (CSV)',
  importHint: 'Columns: phone (or so_dien_thoai), name, segment, agent, team… Numbers normalized to E.164 (+84); bad rows are reported and never stop the import.',
  upload: 'Upload',
  chooseFile: 'Choose a CSV file',
  noFile: 'No file chosen',
  rowsRead: 'Rows read',
  inserted: 'New leads',
  merged: 'Merged duplicates',
  rejected: 'Bad rows',
  row: 'Row',
  reason: 'Reason',
  edit: 'Edit campaign',
  none: 'No campaign yet.',
  bullBoard: 'Job queues (Bull Board)',
  failed: 'Failed: {m}',
  back: '← All campaigns',
  why_preview: 'Preview: agents dial',
  why_progressive: 'Progressive: one dial per free agent',
  why_measuring: 'Predictive: measuring the connect rate (progressive for the first {n} attempts)',
  why_dropNearCap: 'Predictive: drop rate {rate} {span} near the {cap} cap, dialing progressively',
  why_dropOverCap: 'Predictive: drop rate {rate} {span} over the {cap} cap, dialing progressively',
  span_hours: 'in the last {n} h',
  span_campaign: 'since the campaign began',
  why_predictive: 'Predictive: {n} dials in flight for about {agents} agents at {pct} connect',
  why_governorStopped: 'Stopped: inbound service level below target',
  why_draft: 'The campaign is a draft (not started)',
  why_paused: 'The campaign is paused',
  why_stopped: 'The campaign is stopped',
  why_completed: 'The campaign is completed',
  why_ended: 'End date reached: the campaign is completed',
  why_notStarted: 'Before the start date',
  why_allDone: 'Every lead finished',
  why_quotaReached: 'Survey quota reached',
  why_quotaReachedN: 'Survey quota reached ({n} completed surveys)',
  why_outsideWindow: 'Outside the call window ({start}–{end} callee time)',
  gov_atTarget: 'Inbound service level at target',
  gov_recovered: 'Recovered: inbound service level back at target, full pace',
  gov_paused: 'Backing off (paused): {queues}',
  gov_halfPace: 'Backing off (half pace): {queues}',
  gov_queue: '{q} service level {sl} < target {target}',
  gov_queueWaiting: '{q} service level {sl} < target {target}, {n} waiting',
  alert_segmentQuota: 'Quota reached for {segments}: those leads are no longer dialed',
  alert_runningOut: 'Running out of leads: {n} left, about {m} min at the current pace',
  imp_unreadableRow: 'Unreadable CSV row (unbalanced quotes)',
  imp_missingPhone: 'Missing phone number',
  imp_invalidPhone: 'Invalid phone number',
  imp_unknownTimeZone: 'Unknown time zone',
  imp_unknownAgent: 'Unknown agent',
  imp_unknownTeam: 'Unknown team',
};

/** A campaign text in `lang`, with `{name}` placeholders filled. */
export function tx(lang: Lang, key: Key, vars?: Record<string, string | number>): string {
  return fillVars((lang === 'en' ? EN : VI)[key], vars);
}

/** A campaign text in the page's language. */
export function ct(key: Key, vars?: Record<string, string | number>): string {
  return tx(i18n.lang, key, vars);
}
export type CampaignTextKey = Key;

/** The results' figures that carry a formula (the hub's `results.formulas` names the same, in English). */
export type ResultFormulaKey = 'connectivityRatePct' | 'dropRatePct' | 'conversionRatePct' | 'npsScore' | 'csatPct' | 'surveyResponseRatePct';

/**
 * What a results figure is, in `lang` (its tooltip): the console's own words for the formula (`formulaText`,
 * as "explain this number" and the CX page say it), not the hub's English `results.formulas`.
 */
export function resultFormula(key: ResultFormulaKey, lang: Lang = i18n.lang): string {
  return formulaText(key, lang);
}

// ------------------------------------------------------------------------------ the pacer's reasons

/** A queue's display name in the page's language, by id (the id when unknown). */
export type QueueLabel = (id: string) => string;
const byId: QueueLabel = (id) => id;

const num = (n: number, lang: Lang, digits: number) => new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: digits }).format(n);

function backOffText(factor: number, queues: readonly GovernorQueue[], queueLabel: QueueLabel, lang: Lang): string {
  const parts = queues.map((q) =>
    tx(lang, q.waiting > 0 ? 'gov_queueWaiting' : 'gov_queue', { q: queueLabel(q.id), sl: fmtPct(q.serviceLevelPct, lang), target: fmtPct(q.targetPct, lang), n: fmtInt(q.waiting, lang) }),
  );
  return tx(lang, factor === 0 ? 'gov_paused' : 'gov_halfPace', { queues: parts.join('; ') });
}

/** Why the pacer dials as it does (`progress.pacing`), in `lang`. */
export function whyText(p: PaceWhyInfo | null | undefined, queueLabel: QueueLabel = byId, lang: Lang = i18n.lang): string {
  if (!p) return DASH;
  switch (p.whyCode) {
    case 'preview':
    case 'progressive':
    case 'governorStopped':
    case 'notStarted':
    case 'allDone':
    case 'ended':
      return tx(lang, `why_${p.whyCode}`);
    case 'measuring':
      return tx(lang, 'why_measuring', { n: fmtInt(p.whyArgs.minAttempts, lang) });
    case 'dropNearCap':
      // The same code whether the rate is near the cap or past it (a blended agent taken by an inbound call
      // drops a connected call even when dialing one per free agent): the words say which.
      // Over the campaign's drop-rate window (a pace saved before windows existed has none: the whole campaign).
      return tx(lang, p.whyArgs.dropRatePct > p.whyArgs.capPct ? 'why_dropOverCap' : 'why_dropNearCap', {
        rate: fmtPct(p.whyArgs.dropRatePct, lang, 1),
        cap: fmtPct(p.whyArgs.capPct, lang, 1),
        span: p.whyArgs.windowHours ? tx(lang, 'span_hours', { n: fmtInt(p.whyArgs.windowHours, lang) }) : tx(lang, 'span_campaign'),
      });
    case 'predictive':
      return tx(lang, 'why_predictive', { n: fmtInt(p.whyArgs.dialsInFlight, lang), agents: num(p.whyArgs.agents, lang, 1), pct: fmtPct(p.whyArgs.connectRatePct, lang) });
    case 'backingOff':
      return backOffText(p.whyArgs.factor, p.whyArgs.queues, queueLabel, lang);
    case 'notRunning':
      return tx(lang, `why_${p.whyArgs.status}`);
    case 'quotaReached':
      return p.whyArgs.quota === null ? tx(lang, 'why_quotaReached') : tx(lang, 'why_quotaReachedN', { n: fmtInt(p.whyArgs.quota, lang) });
    case 'outsideWindow':
      return tx(lang, 'why_outsideWindow', { start: p.whyArgs.start, end: p.whyArgs.end });
    default:
      // No code (an older worker) or one this console does not know: the English sentence.
      return p.why || DASH;
  }
}

/** The inbound governor's state, in `lang`. */
export function governorText(g: GovernorInfo | null | undefined, queueLabel: QueueLabel = byId, lang: Lang = i18n.lang): string {
  if (!g) return DASH;
  switch (g.code) {
    case 'notChecked':
      return DASH;
    case 'atTarget':
      return tx(lang, 'gov_atTarget');
    case 'recovered':
      return tx(lang, 'gov_recovered');
    case 'backingOff':
      return backOffText(g.factor, g.queues ?? [], queueLabel, lang);
    default:
      return g.reason || DASH;
  }
}

function alertText(a: PaceAlert, lang: Lang): string | undefined {
  switch (a.code) {
    case 'segmentQuota':
      return tx(lang, 'alert_segmentQuota', { segments: a.args.segments.join(', ') });
    case 'runningOut':
      return tx(lang, 'alert_runningOut', { n: fmtInt(a.args.leadsLeft, lang), m: fmtInt(a.args.minutesLeft, lang) });
    default:
      return undefined;
  }
}

/** The pacer's alerts, in `lang` (each in English when its code is missing or unknown). */
export function alertTexts(p: Pick<Pacing, 'alerts' | 'alertDetails'> | null | undefined, lang: Lang = i18n.lang): string[] {
  if (!p) return [];
  return p.alerts.map((en, i) => {
    const d = p.alertDetails?.[i];
    return (d && alertText(d, lang)) ?? en;
  });
}

/** Why an imported row was refused, in `lang` (the hub's English sentence when the code is missing or unknown). */
export function importReasonText(e: { reason: string; code?: string }, lang: Lang = i18n.lang): string {
  const key = `imp_${e.code ?? ''}`;
  return e.code && Object.hasOwn(VI, key) ? tx(lang, key as Key) : e.reason;
}
