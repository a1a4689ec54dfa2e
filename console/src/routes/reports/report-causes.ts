/**
 * The causes of a missed target, in the page's language. The hub sends each cause as data
 * (`causeDetails`: volume, AHT or agents against the forecast or the usual, or none found with the
 * occupancy; realtime/src/contracts/reports.ts) beside its English sentence (`causes`); the contracts'
 * `causeText` words the data (the hub's printable page says the same), and a report stored before the
 * data existed keeps its English sentences. Pure: the language is an argument.
 */
import { causeText } from '$contracts/reports.ts';
import type { Lang } from '$lib/format.ts';
import type { ReportTargetDTO } from '$lib/reports-api.ts';

export { causeText };

/** A target's causes in `lang`, one per line of `causes`. */
export function targetCauses(t: Pick<ReportTargetDTO, 'causes' | 'causeDetails'>, lang: Lang): string[] {
  return t.causeDetails ? t.causeDetails.map((c) => causeText(c, lang)) : t.causes;
}
