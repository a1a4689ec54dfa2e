/**
 * Thin reads of the managers' report settings as stored: every target row (each scope, id and
 * `validFrom`, so the console shows the history of a target) and the forecasts of a period. The
 * reports themselves read them through `ReportsRepository` (the target in force on a day).
 */
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { Database } from '../storage/database.ts';
import { reportForecasts, reportTargets } from '../storage/schema.reports.ts';

export interface TargetSetting {
  scope: string;
  /** '' for the scope's default. */
  id: string;
  metric: string;
  kind: 'min' | 'max';
  target: number;
  validFrom: string;
}

export interface ForecastSetting {
  scope: string;
  id: string;
  day: string;
  offered: number | null;
  ahtSec: number | null;
  agents: number | null;
}

export class ReportSettingsRepository {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  async targets(siteId: string): Promise<TargetSetting[]> {
    const rows = await this.database.db
      .select()
      .from(reportTargets)
      .where(eq(reportTargets.siteId, siteId))
      .orderBy(asc(reportTargets.scope), asc(reportTargets.scopeId), asc(reportTargets.metric), asc(reportTargets.validFrom));
    return rows.map((r) => ({ scope: r.scope, id: r.scopeId, metric: r.metric, kind: r.kind as 'min' | 'max', target: r.target, validFrom: r.validFrom }));
  }

  /** Forecasts of the days [from, to] (site-local dates), every scope. */
  async forecasts(siteId: string, from: string, to: string): Promise<ForecastSetting[]> {
    const rows = await this.database.db
      .select()
      .from(reportForecasts)
      .where(and(eq(reportForecasts.siteId, siteId), gte(reportForecasts.day, from), lte(reportForecasts.day, to)))
      .orderBy(asc(reportForecasts.day), asc(reportForecasts.scope), asc(reportForecasts.scopeId));
    return rows.map((r) => ({ scope: r.scope, id: r.scopeId, day: r.day, offered: r.offered, ahtSec: r.ahtSec, agents: r.agents }));
  }
}
