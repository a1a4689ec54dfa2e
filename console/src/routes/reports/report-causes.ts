/**
 * The causes of a missed target, in the page's language. The hub sends each cause as data
 * (`causeDetails`: volume, AHT or agents against the forecast or the usual, or none found with the
 * occupancy; realtime/src/contracts/reports.ts) beside its English sentence (`causes`); the page words
 * the data with the `rpCause_` messages and falls back to the English sentence for a report stored
 * before the data existed, or a kind this console does not know. Pure: the language is an argument.
 */
import type { TargetCause } from '$contracts/reports.ts';
import { fmtPct, LOCALES, type Lang } from '$lib/format.ts';
import { MESSAGES, type MessageKey } from '$lib/messages.ts';
import type { ReportTargetDTO } from '$lib/reports-api.ts';

const figures = new Map<Lang, Intl.NumberFormat>();
/** A figure in a sentence: at most 1 decimal, grouped (1.234,5 in Vietnamese, 1,234.5 in English). */
function fig(n: number, lang: Lang): string {
  let f = figures.get(lang);
  if (!f) figures.set(lang, (f = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 1 })));
  return f.format(n);
}

function say(lang: Lang, key: MessageKey, vars: Record<string, string>): string {
  let s: string = MESSAGES[lang][key];
  for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(v);
  return s;
}

/** One cause in `lang`: "Lượng cuộc gọi cao hơn dự báo 6,8 % (1.068 cuộc so với 1.000)". */
export function causeText(c: TargetCause, lang: Lang): string {
  switch (c.kind) {
    case 'volume':
    case 'aht': {
      const pct = c.pct ?? 0;
      const dir = c.kind === 'volume' ? (pct >= 0 ? 'Over' : 'Under') : pct >= 0 ? 'Up' : 'Down';
      return say(lang, `rpCause_${c.kind}${dir}_${c.basis}` as MessageKey, { pct: fmtPct(Math.abs(pct), lang, 1), actual: fig(c.actual, lang), expected: fig(c.expected, lang) });
    }
    case 'absent':
    case 'staffing': {
      const n = c.agents ?? Math.round(c.expected - c.actual);
      return say(lang, n === 1 ? `rpCause_${c.kind}One` : `rpCause_${c.kind}`, { n: fig(n, lang), actual: fig(c.actual, lang), expected: fig(c.expected, lang) });
    }
    case 'noneFound':
      return say(lang, 'rpCause_noneFound', { occupancy: fmtPct(c.occupancyPct, lang, 1) });
    default:
      // `occupancy` (declared, never sent) or a kind of a newer hub: its English sentence.
      return (c as { text: string }).text;
  }
}

/** A target's causes in `lang`, one per line of `causes`. */
export function targetCauses(t: Pick<ReportTargetDTO, 'causes' | 'causeDetails'>, lang: Lang): string[] {
  return t.causeDetails ? t.causeDetails.map((c) => causeText(c, lang)) : t.causes;
}
