/**
 * Reports REST, mounted on the hub's app (`createApp({ mounts: [reportsMount(...)] })`):
 *
 * - `GET /api/v1/reports/daily?date=YYYY-MM-DD&scope=site|queue|team|agent|campaign&id=&site=` (JSON),
 *   `/api/v1/reports/daily.csv`, `/api/v1/reports/daily.html?...&lang=vi|en` (printable, in that language;
 *   default English); the same for `weekly` (the ISO week containing `date`).
 * - `GET /api/v1/reports/runs?kind=` (reports the scheduler produced), `GET /api/v1/reports/runs/:kind/:period?scope=&id=`.
 * - `GET /api/v1/reports/cx?from=&to=&scope=&id=&site=`: CX KPIs (NPS, CSAT, survey response, complaint
 *   rate, retention, lifetime value, engagement, conversion) over site-local days [from, to];
 *   `GET /api/v1/reports/cx/series?...`: the same per day (at most 62 days), for trends. QA reads them too.
 * - `PUT /api/v1/reports/targets`, `PUT /api/v1/reports/forecasts` (admin, supervisor; audited when the hub
 *   has accounts; a target is on a metric reports compute, within its range (`report-settings.ts`), and
 *   applies from `validFrom`, today's site date when omitted); `GET /api/v1/reports/targets?site=` (every
 *   stored row) and
 *   `GET /api/v1/reports/forecasts?from=&to=&site=` (admin, supervisor, team lead: reading).
 *
 * `site` defaults to the hub's site; imported data sets (`anonymous-bank`, `pwc-phonenow`) are sites too.
 * A team lead sees only the teams of the session (scope `team`) and their agents.
 */
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { apiFail, reasonOf, type ApiFail, type ReportLang, type SessionDTO, type SiteConfig } from '../contracts/index.ts';
import type { Mount } from '../hub/app.ts';
import { SiteCalendar } from '../core/time.ts';
import type { Database } from '../storage/database.ts';
import { reportCsv, reportHtml } from './report-format.ts';
import { ReportSettingsRepository } from './report-settings.repository.ts';
import { TARGET_METRICS, targetRefusal } from './report-settings.ts';
import { ReportsRepository } from './reports.repository.ts';
import { ReportError, ReportsService, type ReportsServiceOptions } from './reports.service.ts';
import type { Report } from './report.ts';

export interface ReportsMountOptions {
  config: SiteConfig;
  /** The database, or undefined while there is none (answers 503). A function: `npm start` opens it after the app. */
  database: () => Database | undefined;
  service?: Omit<ReportsServiceOptions, 'successDispositions'>;
}

const Scope = z.enum(['site', 'queue', 'team', 'agent', 'campaign']);
const Day = z.iso.date();
const ReportQueryFields = {
  date: Day.optional(),
  scope: Scope.default('site'),
  id: z.string().min(1).max(128).optional(),
  site: z.string().min(1).max(128).optional(),
};
const idNeeded = (q: { scope: string; id?: string | undefined }) => q.scope === 'site' || q.id !== undefined;
const ID_REQUIRED = 'id is required for this scope';
// A function: zod rewrites the params object it is given (`message` becomes `error`).
const idMessage = () => ({ message: ID_REQUIRED, path: ['id'] });
const ReportQuery = z.strictObject(ReportQueryFields).refine(idNeeded, idMessage());
/**
 * The files take the printable page's language too (`lang=vi|en`, default English). The CSV accepts it
 * (the console asks both the same way) and stays machine-readable: English headers, plain numbers.
 */
const FileQuery = z.strictObject({ ...ReportQueryFields, lang: z.enum(['vi', 'en']).default('en') }).refine(idNeeded, idMessage());
/**
 * A target: on a metric reports compute, within what that metric can reach (`targetRefusal`: the issue
 * carries the reason the answer gives). `validFrom` omitted or blank is today, the site's date (the
 * handler fills it in): a target never reaches back to past reports unless a past date is given.
 */
const TargetBody = z
  .strictObject({
    site: z.string().min(1).max(128).optional(),
    scope: Scope,
    id: z.string().max(128).default(''),
    metric: z.string().min(1).max(64),
    kind: z.enum(['min', 'max']),
    target: z.number().finite(),
    validFrom: z.string().trim().pipe(z.union([Day, z.literal('')])).optional(),
  })
  .superRefine((b, ctx) => {
    const fail = targetRefusal(b.metric, b.target);
    if (!fail) return;
    const also = fail.reason === 'unknown_target_metric' ? ` (one of ${TARGET_METRICS.join(', ')})` : '';
    ctx.addIssue({ code: 'custom', path: [fail.params.field], message: fail.message + also, params: { fail } });
  });
/** The reason of a refused target, when that is all that is wrong (a body failing its schema too is only `invalid`). */
const targetFailOf = (issues: readonly z.core.$ZodIssue[]): ApiFail | undefined => {
  const fails = issues.map((i) => (i.code === 'custom' ? (i.params as { fail?: ApiFail } | undefined)?.fail : undefined));
  return fails.every((f) => f !== undefined) ? fails[0] : undefined;
};
const ForecastBody = z.strictObject({
  site: z.string().min(1).max(128).optional(),
  scope: Scope,
  id: z.string().max(128).default(''),
  day: Day,
  offered: z.number().int().min(0).nullable().optional(),
  ahtSec: z.number().min(0).nullable().optional(),
  agents: z.number().int().min(0).nullable().optional(),
});

const READ_ROLES = ['admin', 'supervisor', 'team_lead'] as const;
/** CX figures: QA reads them too (`reports:read` in the access matrix). */
const CX_ROLES = [...READ_ROLES, 'qa'] as const;
const CxQuery = z
  .strictObject({ from: Day.optional(), to: Day.optional(), scope: Scope.default('site'), id: z.string().min(1).max(128).optional(), site: z.string().min(1).max(128).optional() })
  .refine((q) => q.scope === 'site' || q.id !== undefined, idMessage());
const DAY_MS = 86_400_000;
/** The dates from `from` to `to` (YYYY-MM-DD, calendar arithmetic in UTC: no time zone involved). */
const datesOf = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += DAY_MS) out.push(new Date(d).toISOString().slice(0, 10));
  return out;
};

export function reportsMount(opts: ReportsMountOptions): Mount {
  return ({ app, auth, logger, accounts }) => {
    const log = logger.child({ component: 'reports' });
    const cal = new SiteCalendar(opts.config.timeZone, opts.config.intervalMin);
    const service = () => {
      const db = opts.database();
      if (!db) return undefined;
      return {
        repo: new ReportsRepository(db),
        reports: new ReportsService(new ReportsRepository(db), { ...opts.service, successDispositions: opts.config.successDispositions }),
      };
    };
    const fail = (res: Response, err: unknown) => {
      if (err instanceof ReportError) {
        res.status(err.code === 'not_found' ? 404 : 400).json({ error: { code: err.code, message: err.message, ...reasonOf(err.fail) } });
        return;
      }
      log.error({ err: (err as Error).message }, 'report failed');
      res.status(500).json({ error: { code: 'internal', ...apiFail('internal_error', {}) } });
    };
    const noDb = (res: Response) => res.status(503).json({ error: { code: 'unavailable', ...apiFail('no_database', { area: 'reports' }) } });
    const invalid = (res: Response, issues: z.core.$ZodIssue[], query?: unknown) => {
      const details = issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
      // A scope without its id is the one refusal a person makes from the page: say it as a reason.
      const scope = (query as { scope?: unknown } | undefined)?.scope;
      const noId = issues.length === 1 && issues[0]!.message === ID_REQUIRED && typeof scope === 'string';
      res.status(400).json({ error: { code: 'invalid', ...(noId ? apiFail('scope_id_required', { scope }) : { message: 'invalid query' }), details } });
    };

    /** A team lead may read their own teams (and nothing site-wide). */
    const allowed = (session: SessionDTO, scope: string, id: string | undefined): boolean => {
      if (session.role !== 'team_lead') return true;
      if (scope === 'team') return id !== undefined && session.teamIds.includes(id);
      if (scope === 'agent') return opts.config.agents.some((a) => a.id === id && a.teamId !== undefined && session.teamIds.includes(a.teamId));
      return false;
    };

    for (const kind of ['daily', 'weekly'] as const) {
      const handler = (format: 'json' | 'csv' | 'html') => async (req: Request, res: Response) => {
        const p = format === 'json' ? ReportQuery.safeParse(req.query) : FileQuery.safeParse(req.query);
        if (!p.success) return invalid(res, p.error.issues, req.query);
        const q = p.data;
        const lang: ReportLang = 'lang' in q && q.lang === 'vi' ? 'vi' : 'en';
        if (!allowed(res.locals.session as SessionDTO, q.scope, q.id)) {
          res.status(403).json({ error: { code: 'forbidden', ...apiFail('team_lead_own_teams', { what: 'reports' }) } });
          return;
        }
        const s = service();
        if (!s) return noDb(res);
        try {
          const date = q.date ?? cal.localDate(Date.now());
          const site = q.site ?? opts.config.id;
          const r: Report = kind === 'daily' ? await s.reports.daily(site, date, q.scope, q.id) : await s.reports.weekly(site, date, q.scope, q.id);
          const file = `${kind}-${site}-${q.scope}${q.id ? '-' + q.id : ''}-${r.period.from}`.replace(/[^\w.-]/g, '_');
          if (format === 'csv') {
            res.type('text/csv; charset=utf-8').attachment(`${file}.csv`).send(reportCsv(r));
          } else if (format === 'html') {
            // The hub's own lines and teams have Vietnamese names; an imported data set's keep theirs.
            const named = (scope: string, id: string) => (scope === 'queue' ? opts.config.queues : scope === 'team' ? opts.config.teams : []).find((x) => x.id === id);
            const nameOf = lang === 'vi' && site === opts.config.id ? (scope: string, id: string) => named(scope, id)?.nameVi : undefined;
            res.type('text/html; charset=utf-8').set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'").send(reportHtml(r, { lang, nameOf }));
          } else res.json(r);
        } catch (err) {
          fail(res, err);
        }
      };
      app.get(`/api/v1/reports/${kind}`, auth(READ_ROLES), handler('json'));
      app.get(`/api/v1/reports/${kind}.csv`, auth(READ_ROLES), handler('csv'));
      app.get(`/api/v1/reports/${kind}.html`, auth(READ_ROLES), handler('html'));
    }

    /** A CX request's query, checked against the caller's scope, with the database; undefined when answered already. */
    const cxRequest = (req: Request, res: Response) => {
      const p = CxQuery.safeParse(req.query);
      if (!p.success) return void invalid(res, p.error.issues, req.query);
      const q = p.data;
      if (!allowed(res.locals.session as SessionDTO, q.scope, q.id)) {
        return void res.status(403).json({ error: { code: 'forbidden', ...apiFail('team_lead_own_teams', { what: 'figures' }) } });
      }
      const db = opts.database();
      const s = service();
      if (!s || !db) return void noDb(res);
      return { q, db, s };
    };

    app.get('/api/v1/reports/cx', auth(CX_ROLES), async (req, res) => {
      const r = cxRequest(req, res);
      if (!r) return;
      const { q, db, s } = r;
      try {
        const today = cal.localDate(Date.now());
        res.json(await s.reports.cx(db, q.site ?? opts.config.id, q.from ?? q.to ?? today, q.to ?? q.from ?? today, q.scope, q.id));
      } catch (err) {
        fail(res, err);
      }
    });

    // One CX answer per day of the period (the console's trends): the same figures as each day's own
    // `/cx`, read with one query per KPI family grouped by site-local day (`ReportsService.cxSeries`).
    app.get('/api/v1/reports/cx/series', auth(CX_ROLES), async (req, res) => {
      const r = cxRequest(req, res);
      if (!r) return;
      const { q, db, s } = r;
      const today = cal.localDate(Date.now());
      const to = q.to ?? today;
      const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 13 * DAY_MS).toISOString().slice(0, 10);
      const days = to < from ? [] : datesOf(from, to);
      if (days.length === 0 || days.length > 62) {
        res.status(400).json({ error: { code: 'invalid', ...apiFail('range_too_long', { max: '62' }) } });
        return;
      }
      try {
        const site = q.site ?? opts.config.id;
        const out = await s.reports.cxSeries(db, site, days, q.scope, q.id ?? '');
        res.json({ siteId: site, scope: q.scope, id: q.scope === 'site' ? '' : q.id, period: { from, to }, days: out });
      } catch (err) {
        fail(res, err);
      }
    });

    app.get('/api/v1/reports/targets', auth(READ_ROLES), async (req, res) => {
      const p = z.strictObject({ site: z.string().min(1).max(128).optional() }).safeParse(req.query);
      if (!p.success) return invalid(res, p.error.issues);
      const db = opts.database();
      if (!db) return noDb(res);
      try {
        res.json({ targets: await new ReportSettingsRepository(db).targets(p.data.site ?? opts.config.id) });
      } catch (err) {
        fail(res, err);
      }
    });

    app.get('/api/v1/reports/forecasts', auth(READ_ROLES), async (req, res) => {
      const p = z.strictObject({ from: Day.optional(), to: Day.optional(), site: z.string().min(1).max(128).optional() }).safeParse(req.query);
      if (!p.success) return invalid(res, p.error.issues);
      const db = opts.database();
      if (!db) return noDb(res);
      const today = cal.localDate(Date.now());
      const from = p.data.from ?? new Date(Date.parse(`${today}T00:00:00Z`) - 7 * DAY_MS).toISOString().slice(0, 10);
      const to = p.data.to ?? new Date(Date.parse(`${today}T00:00:00Z`) + 30 * DAY_MS).toISOString().slice(0, 10);
      try {
        res.json({ from, to, forecasts: await new ReportSettingsRepository(db).forecasts(p.data.site ?? opts.config.id, from, to) });
      } catch (err) {
        fail(res, err);
      }
    });

    app.get('/api/v1/reports/runs', auth(['admin', 'supervisor']), async (req, res) => {
      const p = z.strictObject({ kind: z.enum(['daily', 'weekly']).optional(), site: z.string().min(1).max(128).optional() }).safeParse(req.query);
      if (!p.success) return invalid(res, p.error.issues);
      const s = service();
      if (!s) return noDb(res);
      try {
        res.json({ runs: await s.repo.runs(p.data.site ?? opts.config.id, p.data.kind) });
      } catch (err) {
        fail(res, err);
      }
    });

    app.get('/api/v1/reports/runs/:kind/:period', auth(['admin', 'supervisor']), async (req, res) => {
      const p = z
        .strictObject({ kind: z.enum(['daily', 'weekly']), period: Day, scope: Scope.default('site'), id: z.string().max(128).default(''), site: z.string().min(1).max(128).optional() })
        .safeParse({ ...req.query, ...req.params });
      if (!p.success) return invalid(res, p.error.issues);
      const s = service();
      if (!s) return noDb(res);
      try {
        const r = await s.repo.run(p.data.site ?? opts.config.id, p.data.kind, p.data.scope, p.data.id, p.data.period);
        if (r === undefined) res.status(404).json({ error: { code: 'not_found', ...apiFail('no_report_run', {}) } });
        else res.json(r);
      } catch (err) {
        fail(res, err);
      }
    });

    app.put('/api/v1/reports/targets', auth(['admin', 'supervisor']), express.json({ limit: '10kb' }), async (req, res) => {
      const p = TargetBody.safeParse(req.body);
      if (!p.success) {
        const fail = targetFailOf(p.error.issues);
        if (!fail) return invalid(res, p.error.issues);
        res.status(400).json({ error: { code: 'invalid', ...fail, details: p.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) } });
        return;
      }
      const s = service();
      if (!s) return noDb(res);
      const { site, id, validFrom, ...t } = p.data;
      try {
        const siteId = site ?? opts.config.id;
        const row = { ...t, validFrom: validFrom || cal.localDate(Date.now()), scopeId: t.scope === 'site' ? '' : id };
        const same = (x: { scope: string; id: string; metric: string; validFrom: string }) => x.scope === row.scope && x.id === row.scopeId && x.metric === row.metric && x.validFrom === row.validFrom;
        const before = accounts ? ((await new ReportSettingsRepository(opts.database()!).targets(siteId)).find(same) ?? null) : null;
        await s.repo.setTarget(siteId, row);
        accounts?.audit({ actor: res.locals.session as SessionDTO, action: 'reports:target', targetType: 'report-target', targetId: `${siteId}/${row.scope}/${row.scopeId}/${row.metric}/${row.validFrom}`, from: req.ip, before, after: row });
        res.json({ ok: true });
      } catch (err) {
        fail(res, err);
      }
    });

    app.put('/api/v1/reports/forecasts', auth(['admin', 'supervisor']), express.json({ limit: '10kb' }), async (req, res) => {
      const p = ForecastBody.safeParse(req.body);
      if (!p.success) return invalid(res, p.error.issues);
      const s = service();
      if (!s) return noDb(res);
      const { site, id, ...f } = p.data;
      try {
        const siteId = site ?? opts.config.id;
        const row = { ...f, scopeId: f.scope === 'site' ? '' : id };
        const before = accounts ? ((await new ReportSettingsRepository(opts.database()!).forecasts(siteId, row.day, row.day)).find((x) => x.scope === row.scope && x.id === row.scopeId) ?? null) : null;
        await s.repo.setForecast(siteId, row);
        accounts?.audit({ actor: res.locals.session as SessionDTO, action: 'reports:forecast', targetType: 'report-forecast', targetId: `${siteId}/${row.scope}/${row.scopeId}/${row.day}`, from: req.ip, before, after: row });
        res.json({ ok: true });
      } catch (err) {
        fail(res, err);
      }
    });
  };
}
