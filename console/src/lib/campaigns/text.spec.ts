import { describe, expect, it, vi } from 'vitest';
import type { GovernorInfo, Pacing, PaceWhy, PaceWhyInfo } from './api.ts';

// The page's language (a rune store in the browser): a plain object here.
const lang = vi.hoisted(() => ({ lang: 'vi' as 'vi' | 'en' }));
vi.mock('$lib/i18n.svelte.ts', () => ({ i18n: lang }));

const { alertTexts, ct, governorText, importReasonText, whyText } = await import('./text.ts');
const { IMPORT_REASONS } = await import('../../../../queue-workers/src/campaigns/lead-import.ts');

const NBSP = '\u00a0';
/** The demo site's queue names, as the page looks them up in the live snapshot. */
const queueLabel = (id: string) => ({ 'after-care': 'Chăm sóc sau tiêm', advice: 'Tư vấn' })[id] ?? id;
const backOff = (factor: number, waiting: number) => ({ factor, queues: [{ id: 'after-care', serviceLevelPct: 70, targetPct: 90, waiting }] });

/** One pace record of each code, as the worker writes it (the English sentence is the server's). */
const EVERY_WHY: PaceWhy[] = [
  { why: 'preview: agents dial', whyCode: 'preview', whyArgs: {} },
  { why: 'progressive: one dial per free agent', whyCode: 'progressive', whyArgs: {} },
  { why: 'predictive: measuring (progressive for the first 30 attempts)', whyCode: 'measuring', whyArgs: { attempts: 12, minAttempts: 30 } },
  { why: 'predictive: drop rate 2.5% in the last 24 h near the 3% cap, progressive', whyCode: 'dropNearCap', whyArgs: { dropRatePct: 2.5, capPct: 3, windowHours: 24 } },
  { why: 'predictive: 14 dials in flight for 6.7 agents at 30% connect', whyCode: 'predictive', whyArgs: { dialsInFlight: 14, agents: 6.6875, connectRatePct: 30.05 } },
  { why: 'governor: inbound service level below target', whyCode: 'governorStopped', whyArgs: {} },
  { why: 'backing off (paused): after-care: SL 70% < target 90%, 2 waiting', whyCode: 'backingOff', whyArgs: backOff(0, 2) },
  { why: 'campaign paused', whyCode: 'notRunning', whyArgs: { status: 'paused' } },
  { why: 'end date reached', whyCode: 'ended', whyArgs: { endAt: 1 } },
  { why: 'before the start date', whyCode: 'notStarted', whyArgs: { startAt: 1 } },
  { why: 'every lead finished', whyCode: 'allDone', whyArgs: {} },
  { why: 'survey quota reached', whyCode: 'quotaReached', whyArgs: { quota: 2000 } },
  { why: 'outside the call window (08:00-21:00 callee time)', whyCode: 'outsideWindow', whyArgs: { start: '08:00', end: '21:00' } },
];

describe('the pacer reasons in the page language', () => {
  it('given a predictive campaign still measuring, Vietnamese says so in Vietnamese and English in English', () => {
    const p = EVERY_WHY.find((w) => w.whyCode === 'measuring')!;
    expect(whyText(p, queueLabel, 'vi')).toBe('Dự đoán: đang đo tỷ lệ kết nối (lũy tiến trong 30 lượt gọi đầu)');
    expect(whyText(p, queueLabel, 'en')).toBe('Predictive: measuring the connect rate (progressive for the first 30 attempts)');
  });

  it('given predictive dialing ahead, the numbers are written the Vietnamese way (decimal comma, space before %)', () => {
    const p = EVERY_WHY.find((w) => w.whyCode === 'predictive')!;
    expect(whyText(p, queueLabel, 'vi')).toBe(`Dự đoán: 14 cuộc đang quay cho khoảng 6,7 nhân viên, tỷ lệ kết nối 30${NBSP}%`);
    expect(whyText(p, queueLabel, 'en')).toBe('Predictive: 14 dials in flight for about 6.7 agents at 30% connect');
    const near = EVERY_WHY.find((w) => w.whyCode === 'dropNearCap')!;
    // The rate is over the campaign's window (24 h by default), and the words say which.
    expect(whyText(near, queueLabel, 'vi')).toBe(`Dự đoán: tỷ lệ rớt 2,5${NBSP}% trong 24 giờ qua đã gần mức tối đa 3${NBSP}%, tạm quay lũy tiến`);
    expect(whyText(near, queueLabel, 'en')).toBe('Predictive: drop rate 2.5% in the last 24 h near the 3% cap, dialing progressively');
    // Past the cap, the words say so; a campaign held over its whole life (window 0) says that.
    const over: PaceWhy = { ...near, whyArgs: { dropRatePct: 3.4, capPct: 3, windowHours: 0 } } as PaceWhy;
    expect(whyText(over, queueLabel, 'vi')).toBe(`Dự đoán: tỷ lệ rớt 3,4${NBSP}% từ đầu chiến dịch đã vượt mức tối đa 3${NBSP}%, tạm quay lũy tiến`);
    expect(whyText(over, queueLabel, 'en')).toBe('Predictive: drop rate 3.4% since the campaign began over the 3% cap, dialing progressively');
  });

  it('given the campaign paused, stopped or a draft, the reason names its state', () => {
    const st = (status: 'draft' | 'paused' | 'stopped' | 'completed'): PaceWhy => ({ why: `campaign ${status}`, whyCode: 'notRunning', whyArgs: { status } });
    expect(whyText(st('paused'), queueLabel, 'vi')).toBe('Chiến dịch đang tạm dừng');
    expect(whyText(st('stopped'), queueLabel, 'vi')).toBe('Chiến dịch đã dừng');
    expect(whyText(st('draft'), queueLabel, 'vi')).toBe('Chiến dịch chưa chạy (bản nháp)');
    expect(whyText(st('completed'), queueLabel, 'en')).toBe('The campaign is completed');
  });

  it('given other reasons, quota and call window show their arguments', () => {
    expect(whyText({ why: 'survey quota reached', whyCode: 'quotaReached', whyArgs: { quota: 2000 } }, queueLabel, 'vi')).toBe('Đã đủ chỉ tiêu khảo sát (2.000 khảo sát hoàn thành)');
    expect(whyText({ why: 'survey quota reached', whyCode: 'quotaReached', whyArgs: { quota: null } }, queueLabel, 'vi')).toBe('Đã đủ chỉ tiêu khảo sát');
    expect(whyText(EVERY_WHY.find((w) => w.whyCode === 'outsideWindow')!, queueLabel, 'vi')).toBe('Ngoài khung giờ gọi (08:00–21:00 theo giờ của khách)');
  });

  it('every code has its own Vietnamese wording, filled in (no placeholder left, never the English sentence)', () => {
    const seen = new Set<string>();
    for (const p of EVERY_WHY) {
      const vi = whyText(p, queueLabel, 'vi');
      const en = whyText(p, queueLabel, 'en');
      expect(vi, p.whyCode).not.toBe(p.why);
      expect(vi, p.whyCode).not.toMatch(/[{}]/);
      expect(en, p.whyCode).not.toMatch(/[{}]/);
      expect(vi, p.whyCode).not.toBe(en);
      seen.add(vi);
    }
    expect(seen.size).toBe(EVERY_WHY.length);
  });

  it('given a back-off, the governor names the queue in the UI language with its service level, target and calls waiting', () => {
    const g: GovernorInfo = { backingOff: true, reason: 'backing off (paused): after-care: SL 70% < target 90%, 2 waiting', code: 'backingOff', ...backOff(0, 2) };
    expect(governorText(g, queueLabel, 'vi')).toBe(`Đang giảm nhịp (tạm dừng): Chăm sóc sau tiêm mức phục vụ 70${NBSP}% < mục tiêu 90${NBSP}%, 2 cuộc đang chờ`);
    expect(governorText(g, (id) => (id === 'after-care' ? 'After-injection care' : id), 'en')).toBe('Backing off (paused): After-injection care service level 70% < target 90%, 2 waiting');
    // The same back-off as the reason why.
    expect(whyText(EVERY_WHY.find((w) => w.whyCode === 'backingOff')!, queueLabel, 'vi')).toBe(governorText(g, queueLabel, 'vi'));
    // Half pace, two queues, one with nobody waiting; an unknown queue keeps its id.
    const half: GovernorInfo = {
      factor: 0.5,
      backingOff: true,
      reason: '',
      code: 'backingOff',
      queues: [
        { id: 'advice', serviceLevelPct: 75.4, targetPct: 80, waiting: 0 },
        { id: 'q-x', serviceLevelPct: 60, targetPct: 80, waiting: 0 },
      ],
    };
    expect(governorText(half, queueLabel, 'vi')).toBe(`Đang giảm nhịp (còn một nửa): Tư vấn mức phục vụ 75${NBSP}% < mục tiêu 80${NBSP}%; q-x mức phục vụ 60${NBSP}% < mục tiêu 80${NBSP}%`);
  });

  it('given the governor at target, recovered or not checked', () => {
    const g = (code: GovernorInfo['code']): GovernorInfo => ({ factor: 1, backingOff: false, reason: 'inbound service level at target', code, queues: [] });
    expect(governorText(g('atTarget'), queueLabel, 'vi')).toBe('Tổng đài vào đạt mục tiêu');
    expect(governorText(g('atTarget'), queueLabel, 'en')).toBe('Inbound service level at target');
    expect(governorText(g('recovered'), queueLabel, 'vi')).toBe('Tổng đài vào đã trở lại mục tiêu, quay lại nhịp bình thường');
    expect(governorText(g('notChecked'), queueLabel, 'vi')).toBe('—');
    expect(governorText(undefined, queueLabel, 'vi')).toBe('—');
  });

  it('given a pace record of an older worker (no codes) or an unknown code, the English sentence is shown', () => {
    const old: PaceWhyInfo = { why: 'predictive: measuring (progressive for the first 30 attempts)' };
    expect(whyText(old, queueLabel, 'vi')).toBe(old.why);
    const newer = { why: 'something new', whyCode: 'somethingNew', whyArgs: {} } as unknown as PaceWhyInfo;
    expect(whyText(newer, queueLabel, 'vi')).toBe('something new');
    expect(whyText(null, queueLabel, 'vi')).toBe('—');
    expect(governorText({ factor: 1, backingOff: false, reason: 'inbound service level at target' }, queueLabel, 'vi')).toBe('inbound service level at target');
  });

  it('alerts: worded from their codes, each in English when its code is missing', () => {
    const p: Pick<Pacing, 'alerts' | 'alertDetails'> = {
      alerts: ['quota reached for hn, hcm: those leads are no longer dialed', 'running out of leads: 1500 left, about 15 min at the current pace'],
      alertDetails: [
        { code: 'segmentQuota', args: { segments: ['hn', 'hcm'] } },
        { code: 'runningOut', args: { leadsLeft: 1500, minutesLeft: 15 } },
      ],
    };
    expect(alertTexts(p, 'vi')).toEqual(['Đã đủ chỉ tiêu phân khúc hn, hcm: không quay các khách hàng này nữa', 'Sắp hết danh sách: còn 1.500 khách hàng, khoảng 15 phút nữa ở nhịp quay hiện tại']);
    expect(alertTexts(p, 'en')).toEqual(['Quota reached for hn, hcm: those leads are no longer dialed', 'Running out of leads: 1,500 left, about 15 min at the current pace']);
    expect(alertTexts({ alerts: p.alerts }, 'vi')).toEqual(p.alerts);
    expect(alertTexts({ alerts: p.alerts, alertDetails: [p.alertDetails![0]!] }, 'vi')[1]).toBe(p.alerts[1]);
    expect(alertTexts(null, 'vi')).toEqual([]);
  });

  it('without a language given, the page language is used (Vietnamese by default)', () => {
    const p = EVERY_WHY.find((w) => w.whyCode === 'allDone')!;
    lang.lang = 'vi';
    expect(whyText(p)).toBe('Đã gọi xong toàn bộ danh sách khách hàng');
    expect(ct('governor')).toBe('Bảo vệ tổng đài vào');
    lang.lang = 'en';
    expect(whyText(p)).toBe('Every lead finished');
    expect(ct('governor')).toBe('Inbound governor');
    lang.lang = 'vi';
  });

  it('a refused lead row: every reason the import gives is worded in both languages; an unknown or missing code shows the hub\'s sentence', () => {
    for (const [code, reason] of Object.entries(IMPORT_REASONS)) {
      const vi = importReasonText({ reason, code }, 'vi');
      const en = importReasonText({ reason, code }, 'en');
      expect(vi).not.toBe(reason);
      expect(en.toLowerCase()).toBe(reason.toLowerCase());
    }
    expect(importReasonText({ reason: 'invalid phone number', code: 'invalidPhone' }, 'vi')).toBe('Số điện thoại không hợp lệ');
    expect(importReasonText({ reason: 'disk full' }, 'vi')).toBe('disk full');
    expect(importReasonText({ reason: 'something new', code: 'newCode' }, 'vi')).toBe('something new');
  });
});
