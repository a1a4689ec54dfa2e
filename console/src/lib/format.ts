/** Number and time formatting by locale. Pure: the locale is an argument. */
export type Lang = 'vi' | 'en';

export const LOCALES: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

const cache = new Map<string, Intl.NumberFormat>();
function nf(lang: Lang, digits: number): Intl.NumberFormat {
  const k = `${lang}:${digits}`;
  let f = cache.get(k);
  if (!f) {
    f = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    cache.set(k, f);
  }
  return f;
}

export const DASH = '—';

/** A message with its `{name}` placeholders filled from `vars`. */
export function fillVars(template: string, vars?: Record<string, string | number>): string {
  let s = template;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export function fmtInt(n: number | null | undefined, lang: Lang): string {
  return n === null || n === undefined ? DASH : nf(lang, 0).format(n);
}

/** 87 %, 87,5 % (vi) / 87.5% (en); `null` (no calls yet) is a dash, never 0. */
export function fmtPct(n: number | null | undefined, lang: Lang, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  // Vietnamese writes a (non-breaking) space before the sign.
  return lang === 'vi' ? `${nf(lang, digits).format(n)}\u00a0%` : `${nf(lang, digits).format(n)}%`;
}

/** Seconds as m:ss, or h:mm:ss from one hour on. */
export function fmtDuration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return DASH;
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

/** Clock time in the site's time zone, e.g. 14:05. */
export function fmtClock(ms: number, lang: Lang, timeZone: string, seconds = false): string {
  return new Intl.DateTimeFormat(LOCALES[lang], {
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hour12: false,
    timeZone,
  }).format(ms);
}

export function fmtDateTime(ms: number, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'short', timeStyle: 'medium', hour12: false, timeZone }).format(ms);
}
