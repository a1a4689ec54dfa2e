/**
 * Language of the UI: Vietnamese by default (the demo site), English on request (`?lang=en` or the
 * switch in the top bar, remembered in localStorage). `i18n.t(key, vars)` and the formatters read it.
 */
import { MESSAGES, type MessageKey } from './messages.ts';
import { fillVars, fmtDuration, fmtInt, fmtPct, fmtClock, type Lang } from './format.ts';

const KEY = 'callboard.lang';

class I18n {
  lang = $state<Lang>('vi');

  constructor() {
    if (typeof window === 'undefined') return;
    const q = new URLSearchParams(window.location.search).get('lang');
    let saved: string | null = null;
    try {
      saved = window.localStorage.getItem(KEY);
    } catch {
      /* storage blocked: stay on the default */
    }
    const pick = q ?? saved;
    if (pick === 'vi' || pick === 'en') this.lang = pick;
    // A language asked for in the address sticks (a TV opened with ?lang=en stays English).
    if (q === 'vi' || q === 'en') this.set(q);
    document.documentElement.lang = this.lang;
  }

  set(lang: Lang): void {
    this.lang = lang;
    try {
      window.localStorage.setItem(KEY, lang);
    } catch {
      /* ignore */
    }
    document.documentElement.lang = lang;
  }

  t = (key: MessageKey, vars?: Record<string, string | number>): string => {
    return fillVars(MESSAGES[this.lang][key] ?? key, vars);
  };

  /** A key that may not exist (site reasons, dispositions, attributes): falls back to the raw token. */
  tr = (prefix: string, token: string): string => {
    const k = `${prefix}${token}` as MessageKey;
    return MESSAGES[this.lang][k] ?? token;
  };

  int = (n: number | null | undefined) => fmtInt(n, this.lang);
  pct = (n: number | null | undefined, digits = 0) => fmtPct(n, this.lang, digits);
  dur = (s: number | null | undefined) => fmtDuration(s);
  clock = (ms: number, tz: string, seconds = false) => fmtClock(ms, this.lang, tz, seconds);
}

export const i18n = new I18n();
