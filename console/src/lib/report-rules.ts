/**
 * The service-level rule a report's figures were derived with, in the page's language (docs/REPORTS.md).
 * When the scope's metric parameters changed during the period, the hub sends the versions that began inside
 * it (`paramsChanged`) and the one in force at its start (`paramsAtStart`): each interval (a weekly report:
 * each day) used the rule in force at its start, the total the one at the period's end (`params`). The page
 * then states each rule with the time it applied from, in the site's time zone (a weekly report: date and
 * time), as the hub's printable page does (realtime/src/reports/report-format.ts). Pure: the language is an
 * argument.
 */
import type { MetricParams } from '$contracts/site.ts';
import { paramsInForce } from '$contracts/reports.ts';
import { fillVars, fmtPct, LOCALES, type Lang } from './format.ts';
import { MESSAGES, type MessageKey } from './messages.ts';
import type { ReportDTO } from './reports-api.ts';

/** What the rules are read from: the hub's report (`ReportDTO`). */
export type RuleReport = Pick<ReportDTO, 'kind' | 'from' | 'params' | 'paramsChanged' | 'paramsAtStart'>;

/** The fields of a rule: SL goal, T, S and the SL basis. */
export type Rule = Pick<MetricParams, 'slTargetPct' | 'slThresholdSec' | 'shortAbandonSec' | 'slBasis'>;

/**
 * The rules of the period, oldest first, each with the instant it applied from (the period's start for the
 * first); one, the period's `params`, when none changed.
 */
export function rulesInForce(r: RuleReport): { from: number; params: Rule }[] {
  return paramsInForce<Rule>(r, r.params);
}

/** The rule in force at `at` (the first one before the period). */
export function ruleAt(r: RuleReport, at: number): Rule {
  const rules = rulesInForce(r);
  let p = rules[0]!.params;
  for (const x of rules) if (x.from <= at) p = x.params;
  return p;
}

/**
 * The SL goal of each point of the series (the chart's target line): the one in force at the point's start,
 * as the point's figures were derived, so the line steps where the rule changed.
 */
export function slTargetSeries(r: RuleReport, series: readonly { start: number }[]): number[] {
  return series.map((s) => ruleAt(r, s.start).slTargetPct);
}

const say = (lang: Lang, key: MessageKey, vars?: Record<string, string | number>) => fillVars(MESSAGES[lang][key], vars);

/**
 * An instant in the site's time zone as the printable page writes it: the time of day (10:30), or with the
 * date for a weekly report (03/03/2026 10:30 in Vietnamese, 2026-03-03 10:30 in English).
 */
export function ruleTime(ms: number, timeZone: string, lang: Lang, withDate: boolean): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const clock = `${parts.hour}:${parts.minute}`;
  if (!withDate) return clock;
  return `${lang === 'vi' ? `${parts.day}/${parts.month}/${parts.year}` : `${parts.year}-${parts.month}-${parts.day}`} ${clock}`;
}

function words(p: Rule, lang: Lang) {
  const fig = (n: number) => new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 1 }).format(n);
  const basis = (MESSAGES[lang] as Record<string, string>)[`rpBasis_${p.slBasis}`] ?? p.slBasis;
  return { p: fmtPct(p.slTargetPct, lang), t: fig(p.slThresholdSec), basis, s: fig(p.shortAbandonSec) };
}

/**
 * The report's SL rule in `lang`: the one rule (`rule`), or, when it changed during the period, each rule from
 * when it applied, with `note` saying which rule each interval or day and the total used (else `note` is null).
 */
export function slRuleText(r: RuleReport, lang: Lang): { rule: string; note: string | null } {
  const rules = rulesInForce(r);
  if (rules.length < 2) return { rule: say(lang, 'rpSlRule', words(r.params, lang)), note: null };
  const at = (ms: number) => ruleTime(ms, r.params.timeZone, lang, r.kind === 'weekly');
  return {
    rule: say(lang, 'rpSlRules', { rules: rules.map((v) => say(lang, 'rpSlRuleFrom', { from: at(v.from), ...words(v.params, lang) })).join('; ') }),
    note: say(lang, r.kind === 'weekly' ? 'rpSlRulesWeekly' : 'rpSlRulesDaily'),
  };
}
