import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyCounters, parseSiteConfig, type Counters, type DomainEvent } from '../contracts/index.ts';
import { ev, ready, siteInput, t } from '../core/testing.ts';
import { createRecordState, recordsFromEvents } from '../storage/records.ts';
import { RecordsRepository } from '../storage/records.repository.ts';
import { testBackends, type TestDatabase } from '../storage/testing.ts';
import { reportCsv, reportHtml } from './report-format.ts';
import { ReportsRepository } from './reports.repository.ts';
import { ReportsService } from './reports.service.ts';
import { calls } from '../storage/schema.ts';

const dbs: TestDatabase[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.drop();
});

const vn = (s: string) => new Date(`${s}+07:00`);

/** A throwaway database with site `s` (Asia/Ho_Chi_Minh), and a site-wide 15-minute bucket starting at `when` (site time). */
async function siteDb(backend: ReturnType<typeof testBackends>[number]) {
  const db = await backend.create();
  dbs.push(db);
  const records = new RecordsRepository(db.database);
  await records.ensureSite({ id: 's', name: 'S', timeZone: 'Asia/Ho_Chi_Minh' });
  return { db, records };
}
const siteBucket = (when: string, counters: Partial<Counters>, staffed: string[]) => ({
  siteId: 's',
  scope: 'site',
  scopeId: '',
  intervalStart: vn(when),
  intervalMin: 15,
  counters: { ...emptyCounters(), ...counters },
  staffed,
});

describe.each(testBackends())('report causes against the baseline ($name)', (backend) => {
  it('given four earlier Mondays, a Monday with 50% more calls, longer handling and fewer agents names all three', async () => {
    const { db, records } = await siteDb(backend);
    const bucket = (day: string, offered: number, handleSec: number, staffed: string[]) =>
      siteBucket(`${day}T09:00:00`, { offered, answered: offered, answeredWithinT: Math.round(offered / 2), handled: offered, handleMs: offered * handleSec * 1000 }, staffed);
    const four = ['a1', 'a2', 'a3', 'a4'];
    await records.upsertAggregates([
      bucket('2026-02-02', 100, 180, four),
      bucket('2026-02-09', 100, 180, four),
      bucket('2026-02-16', 100, 180, four),
      bucket('2026-02-23', 100, 180, four),
      // A Tuesday: not the same weekday, not in the baseline.
      bucket('2026-02-24', 900, 600, ['a1']),
      bucket('2026-03-02', 150, 216, ['a1', 'a2']),
    ]);
    const r = await new ReportsService(new ReportsRepository(db.database)).daily('s', '2026-03-02', 'site');
    expect(r.total).toMatchObject({ offered: 150, serviceLevelPct: 50, staffedAgents: 2 });
    expect(r.factors.map((f) => `${f.kind}:${f.basis}`)).toEqual(['volume:baseline', 'aht:baseline', 'staffing:baseline']);
    expect(r.targets[0]).toMatchObject({ metric: 'serviceLevelPct', target: 80, met: false });
    expect(r.targets[0]!.causes).toEqual([
      'volume was 50% over the usual (same weekday, previous weeks) (150 calls vs 100)',
      'AHT rose 20% (216 s vs 180 s usual)',
      '2 agents fewer than usual (2 staffed vs 4)',
    ]);
    // A weekly report: the week's days against the same days of the 4 weeks before.
    const w = await new ReportsService(new ReportsRepository(db.database)).weekly('s', '2026-03-04', 'site');
    expect(w.series.map((x) => x.values.offered)).toEqual([150, 0, 0, 0, 0, 0, 0]);
    // Baseline weeks: 100 + 900 (the Tuesday before), then 100, 100, 100: 325 calls a week.
    expect(w.factors.find((f) => f.kind === 'volume')).toMatchObject({ basis: 'baseline', actual: 150, expected: 325 });
  });
});

describe.each(testBackends())('daily report series ($name)', (backend) => {
  it('given calls at 20:45 and 23:00 and none between, when the day is read then the quiet intervals are in its series with zero calls (the chart keeps time)', async () => {
    const { db, records } = await siteDb(backend);
    const at = (hhmm: string, offered: number) => siteBucket(`2026-03-02T${hhmm}:00`, { offered, answered: offered, answeredWithinT: offered }, ['a1']);
    await records.upsertAggregates([at('20:45', 4), at('23:00', 33)]);
    const r = await new ReportsService(new ReportsRepository(db.database)).daily('s', '2026-03-02', 'site');
    expect(r.series.map((x) => `${x.label}:${x.values.offered}`)).toEqual([
      '20:45:4', '21:00:0', '21:15:0', '21:30:0', '21:45:0', '22:00:0', '22:15:0', '22:30:0', '22:45:0', '23:00:33',
    ]);
    // An empty interval has no rates (nothing to divide), and the day's total is unchanged.
    expect(r.series[1]!.values.serviceLevelPct).toBeNull();
    expect(r.total.offered).toBe(37);
  });
});

describe.each(testBackends())('versioned metric parameters ($name)', (backend) => {
  it('given the SL basis changed on Tuesday (a params.version written by the record writer), then Monday\'s report keeps the spec basis and Tuesday\'s uses the new one', async () => {
    const { db, records } = await siteDb(backend);
    const day = (d: string) => siteBucket(`${d}T09:00:00`, { offered: 20, answered: 10, abandoned: 10, answeredWithinT: 5 }, ['a1']);
    const version = (at: string, slBasis: 'spec' | 'answered') => ({ at: vn(at).getTime(), site: { slThresholdSec: 20, slTargetPct: 80, shortAbandonSec: 5, slBasis }, queues: {} });
    await records.writeBatch('s', { calls: [], agentStates: [], aggregates: [day('2026-03-02'), day('2026-03-03')], paramVersions: [version('2026-03-02T06:00:00', 'spec'), version('2026-03-03T00:00:00', 'answered')] });
    const reports = new ReportsService(new ReportsRepository(db.database));
    const mon = await reports.daily('s', '2026-03-02', 'site');
    const tue = await reports.daily('s', '2026-03-03', 'site');
    // Spec basis: 5 / (10 + 10 - 0); answered basis: 5 / 10.
    expect([mon.total.serviceLevelPct, mon.params.slBasis]).toEqual([25, 'spec']);
    expect([tue.total.serviceLevelPct, tue.params.slBasis]).toEqual([50, 'answered']);
    // Written twice (a writer retrying its batch): stored once.
    await records.writeBatch('s', { calls: [], agentStates: [], paramVersions: [version('2026-03-03T00:00:00', 'answered')] });
    expect(await new ReportsRepository(db.database).paramVersions('s')).toHaveLength(2);
  });

  it('given the SL basis changed at noon, each interval of the day is derived with the version in force at its start, the day\'s total with the one at its end', async () => {
    const { db, records } = await siteDb(backend);
    // 20 calls, 10 answered (5 within T), 10 abandoned: spec basis 5 / 20 = 25 %, answered basis 5 / 10 = 50 %.
    const at = (hhmm: string) => siteBucket(`2026-03-02T${hhmm}:00`, { offered: 20, answered: 10, abandoned: 10, answeredWithinT: 5 }, ['a1']);
    const version = (when: string, slBasis: 'spec' | 'answered') => ({ at: vn(when).getTime(), site: { slThresholdSec: 20, slTargetPct: 80, shortAbandonSec: 5, slBasis }, queues: {} });
    await records.writeBatch('s', {
      calls: [],
      agentStates: [],
      aggregates: [at('09:00'), at('11:45'), at('12:00'), at('14:00')],
      paramVersions: [version('2026-03-02T06:00:00', 'spec'), version('2026-03-02T12:00:00', 'answered')],
    });
    const r = await new ReportsService(new ReportsRepository(db.database)).daily('s', '2026-03-02', 'site');
    const sl = (label: string) => r.series.find((x) => x.label === label)!.values.serviceLevelPct;
    // The morning with the spec basis (the interval ending at noon too), from noon on the answered one.
    expect([sl('09:00'), sl('11:45'), sl('12:00'), sl('14:00')]).toEqual([25, 25, 50, 50]);
    // The quiet intervals between have no rate either way.
    expect(sl('10:00')).toBeNull();
    // The total and the parameters it names: the version in force at the day's end.
    expect([r.total.serviceLevelPct, r.params.slBasis]).toEqual([50, 'answered']);
  });

  it('given T changed from 20 s to 15 s at 10:30, the JSON names the change, and the printable page and the CSV state each rule with the time it applied from; a day with one rule keeps the single rule', async () => {
    const { db, records } = await siteDb(backend);
    const at = (d: string, hhmm: string) => siteBucket(`${d}T${hhmm}:00`, { offered: 20, answered: 10, abandoned: 10, answeredWithinT: 5 }, ['a1']);
    const p = (slThresholdSec: number, slTargetPct = 80) => ({ slThresholdSec, slTargetPct, shortAbandonSec: 5, slBasis: 'spec' as const });
    const version = (when: string, site: ReturnType<typeof p>) => ({ at: vn(when).getTime(), site, queues: {} });
    await records.writeBatch('s', {
      calls: [],
      agentStates: [],
      aggregates: [at('2026-03-02', '09:00'), at('2026-03-03', '09:00'), at('2026-03-03', '11:00')],
      // Monday on 20 s; Tuesday 10:30 on 15 s; Tuesday 16:00 the SL goal alone (no other rule on the page).
      paramVersions: [version('2026-03-01T00:00:00', p(20)), version('2026-03-03T10:30:00', p(15)), version('2026-03-03T16:00:00', p(15, 90))],
    });
    const reports = new ReportsService(new ReportsRepository(db.database));
    const tue = await reports.daily('s', '2026-03-03', 'site');
    expect(tue.params).toMatchObject({ slThresholdSec: 15, slTargetPct: 90 });
    expect(tue.paramsAtStart).toEqual(p(20));
    expect(tue.paramsChanged).toEqual([
      { at: vn('2026-03-03T10:30:00').getTime(), params: p(15) },
      { at: vn('2026-03-03T16:00:00').getTime(), params: p(15, 90) },
    ]);
    const en = reportHtml(tue);
    expect(en).toContain('SL rule changed in the period: from 00:00 answered within 20 s (basis spec), short abandon &lt; 5 s; from 10:30 answered within 15 s (basis spec), short abandon &lt; 5 s · ');
    expect(en).toContain("<p class=\"meta\">Each interval uses the rule in force at its start, the totals the one at the period&#39;s end");
    expect(en).not.toContain('SL: answered within');
    const vi = reportHtml(tue, { lang: 'vi' });
    expect(vi).toContain('mức phục vụ đổi trong kỳ: từ 00:00 trả lời trong 20 giây (cơ sở trả lời + bỏ máy − bỏ máy sớm), bỏ máy sớm dưới 5 giây; từ 10:30 trả lời trong 15 giây (cơ sở trả lời + bỏ máy − bỏ máy sớm), bỏ máy sớm dưới 5 giây · ');
    expect(vi).toContain('<p class="meta">Mỗi khoảng thời gian tính theo quy tắc có hiệu lực lúc bắt đầu khoảng');
    // The CSV: every version of the period with its four parameters, the instant it applied from in UTC.
    const csv = reportCsv(tue).replace(/^\uFEFF/, '').split('\r\n');
    expect(csv.slice(csv.indexOf('params,from,slThresholdSec,slTargetPct,shortAbandonSec,slBasis'))).toEqual([
      'params,from,slThresholdSec,slTargetPct,shortAbandonSec,slBasis',
      'params,2026-03-02T17:00:00.000Z,20,80,5,spec',
      'params,2026-03-03T03:30:00.000Z,15,80,5,spec',
      'params,2026-03-03T09:00:00.000Z,15,90,5,spec',
      '',
    ]);
    // The week: each rule from its date and time.
    const week = await reports.weekly('s', '2026-03-03', 'site');
    expect(reportHtml(week)).toContain('SL rule changed in the period: from 2026-03-02 00:00 answered within 20 s (basis spec), short abandon &lt; 5 s; from 2026-03-03 10:30 answered within 15 s');
    expect(reportHtml(week, { lang: 'vi' })).toContain('từ 02/03/2026 00:00 trả lời trong 20 giây');
    expect(reportHtml(week, { lang: 'vi' })).toContain('<p class="meta">Mỗi ngày tính theo quy tắc có hiệu lực lúc đầu ngày');

    // Monday had one rule: no change named, the page's single rule and the CSV as they were.
    const mon = await reports.daily('s', '2026-03-02', 'site');
    expect([mon.paramsChanged, mon.paramsAtStart]).toEqual([undefined, undefined]);
    expect(reportHtml(mon)).toContain(' · SL: answered within 20 s (basis spec), short abandon &lt; 5 s · ');
    expect(reportHtml(mon)).not.toContain('Each interval uses the rule');
    expect(reportHtml(mon, { lang: 'vi' })).toContain(' · mức phục vụ: trả lời trong 20 giây (cơ sở trả lời + bỏ máy − bỏ máy sớm), bỏ máy sớm: dưới 5 giây · ');
    expect(reportCsv(mon)).not.toContain('params,');
    // Wednesday: the goal changed the evening before; one rule all day.
    expect((await reports.daily('s', '2026-03-04', 'site')).paramsChanged).toBeUndefined();
  });

  it('given a line\'s SL basis changed on Wednesday, each day of the week is derived with the version in force that day, the week\'s total with the one at its end', async () => {
    const db = await backend.create();
    dbs.push(db);
    const config = parseSiteConfig(siteInput());
    const records = new RecordsRepository(db.database);
    await records.syncSite(config);
    const day = (d: string, scope: 'site' | 'queue') => ({ ...siteBucket(`${d}T09:00:00`, { offered: 20, answered: 10, abandoned: 10, answeredWithinT: 5 }, ['a1']), siteId: config.id, scope, scopeId: scope === 'queue' ? 'booking' : '' });
    const p = (slBasis: 'spec' | 'answered') => ({ slThresholdSec: 20, slTargetPct: 80, shortAbandonSec: 5, slBasis });
    // The site stays on the spec basis; line booking moves to the answered basis on Wednesday 4 March.
    const version = (when: string, booking: 'spec' | 'answered') => ({ at: vn(when).getTime(), site: p('spec'), queues: { booking: p(booking), advice: p('spec') } });
    const days = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'];
    await records.writeBatch(config.id, {
      calls: [],
      agentStates: [],
      aggregates: days.flatMap((d) => [day(d, 'site'), day(d, 'queue')]),
      paramVersions: [version('2026-03-01T00:00:00', 'spec'), version('2026-03-04T00:00:00', 'answered')],
    });
    const reports = new ReportsService(new ReportsRepository(db.database));
    const line = await reports.weekly(config.id, '2026-03-04', 'queue', 'booking');
    expect(line.series.map((x) => `${x.label}:${x.values.serviceLevelPct}`)).toEqual(['2026-03-02:25', '2026-03-03:25', '2026-03-04:50', '2026-03-05:50', '2026-03-06:null', '2026-03-07:null', '2026-03-08:null']);
    // 4 days: 20 within T of 40 answered.
    expect([line.total.serviceLevelPct, line.params.slBasis]).toEqual([50, 'answered']);
    // The site's versions are the site's own: every day on the spec basis.
    const site = await reports.weekly(config.id, '2026-03-04', 'site');
    expect(site.series.slice(0, 4).map((x) => x.values.serviceLevelPct)).toEqual([25, 25, 25, 25]);
    expect(site.total.serviceLevelPct).toBe(25);
  });
});

/** A site of the core's tests (team t1: a1, a2; lines booking and advice) whose events went through the record writer's derivation. */
async function eventsDb(backend: ReturnType<typeof testBackends>[number], events: DomainEvent[]) {
  const db = await backend.create();
  dbs.push(db);
  const config = parseSiteConfig(siteInput());
  const repo = new RecordsRepository(db.database);
  await repo.syncSite(config);
  const batch = recordsFromEvents(events, createRecordState(config));
  expect(batch.refused).toEqual([]);
  await repo.writeBatch(config.id, batch);
  return { db, config, reports: new ReportsService(new ReportsRepository(db.database)), repo: new ReportsRepository(db.database) };
}

const WEEK = 7 * 86_400_000;

describe.each(testBackends())("a team's report (calls belong to lines) ($name)", (backend) => {
  /** A morning `shift` ms after Monday 2 March: c1 answered by a1 in 10 s, c2 by a2 in 60 s, c3 abandoned after 30 s; each answered call handled for `handleSec`. */
  const morning = (shift: number, handleSec: number, p: string) => {
    const at = (s: number) => t(s) + shift;
    return [
      ...ready(at(0), 'a1', 'a2'),
      ev.offered(`${p}1`, 'booking', at(10)),
      ev.answered(`${p}1`, 'a1', at(20)),
      ev.offered(`${p}2`, 'booking', at(30)),
      ev.answered(`${p}2`, 'a2', at(90)),
      ev.offered(`${p}3`, 'booking', at(100)),
      ev.abandoned(`${p}3`, at(130)),
      ev.ended(`${p}1`, at(20 + handleSec)),
      ev.ended(`${p}2`, at(90 + handleSec)),
      ev.logout('a1', at(3600)),
      ev.logout('a2', at(3600)),
    ];
  };

  it('given a morning of its agents\' calls, the team report names offered and abandoned calls as none of its figures; its calls are those answered, in JSON, CSV and the printable page', async () => {
    const { reports, repo } = await eventsDb(backend, morning(0, 100, 'c'));
    // A team target on the abandon rate and a team forecast of calls: a team has neither.
    await repo.setTarget('test', { scope: 'team', scopeId: 't1', metric: 'abandonRatePct', kind: 'max', target: 5, validFrom: '2026-03-01' });
    await repo.setForecast('test', { scope: 'team', scopeId: 't1', day: '2026-03-02', offered: 40 });
    const team = await reports.daily('test', '2026-03-02', 'team', 't1');
    // The engine's figures as the boards give them (no call is offered to a team)...
    expect(team.total).toMatchObject({ offered: 0, answered: 2, handled: 2, abandonRatePct: null });
    // ...and which of them the report does not have.
    expect(team.omitted).toEqual(expect.arrayContaining(['offered', 'abandoned', 'abandonRatePct', 'abandonRateRawPct']));
    expect(team.omitted).not.toContain('serviceLevelPct');
    expect(team.omitted).not.toContain('answered');
    // Not "volume was 100% under forecast (0 calls vs 40)"; the abandon target neither met nor missed.
    expect(team.factors).toEqual([]);
    expect(team.targets.find((x) => x.metric === 'abandonRatePct')).toMatchObject({ actual: null, met: null, causes: [] });
    // The CSV leaves the figures a team does not have empty, not 0.
    const csv = reportCsv(team).replace(/^\uFEFF/, '').split('\r\n');
    const head = csv[0]!.split(',');
    const cell = (line: string, col: string) => line.split(',')[head.indexOf(col)];
    expect([cell(csv[1]!, 'offered'), cell(csv[1]!, 'abandoned'), cell(csv[1]!, 'abandonRatePct'), cell(csv[1]!, 'answered'), cell(csv[1]!, 'handled')]).toEqual(['', '', '', '2', '2']);
    // The printable page says whose calls these are.
    expect(reportHtml(team, { lang: 'vi' })).toContain('Cuộc gọi đến và bỏ máy thuộc về line, không thuộc nhóm hay điện thoại viên');
    expect(reportHtml(team)).toContain('Calls are offered to and abandoned in lines, not teams or agents');

    // The site's report has them all; its team and agent parts do not have the lines' figures.
    const site = await reports.daily('test', '2026-03-02', 'site');
    expect(site.omitted).toEqual([]);
    expect(reportHtml(site)).not.toContain('Calls are offered to and abandoned in lines');
    const parts = reportCsv(site).split('\r\n').filter((l) => l.startsWith('part,'));
    expect(parts.map((l) => `${l.split(',')[1]}:${l.split(',')[2]}:${cell(l, 'offered')}/${cell(l, 'answered')}`)).toEqual(['queue:advice:0/0', 'queue:booking:3/2', 'team:t1:/2', 'agent:a1:/1', 'agent:a2:/1']);
  });

  it('given the SL basis `offered`, a team has no service level either', async () => {
    const { reports } = await eventsDb(backend, [ev.params(t(-60), { slBasis: 'offered' }), ...morning(0, 100, 'c')]);
    const team = await reports.daily('test', '2026-03-02', 'team', 't1');
    expect(team.params.slBasis).toBe('offered');
    expect(team.omitted).toContain('serviceLevelPct');
    // The site's default SL target does not read as missed.
    expect(team.targets.find((x) => x.metric === 'serviceLevelPct')).toMatchObject({ actual: null, met: null });
  });

  it('given the same Monday a week before, a team\'s longer handling is named against it (a team\'s days count by the calls its agents answered)', async () => {
    const { reports } = await eventsDb(backend, [...morning(-WEEK, 100, 'b'), ...morning(0, 150, 'c')]);
    const team = await reports.daily('test', '2026-03-02', 'team', 't1');
    expect(team.factors.map((f) => `${f.kind}:${f.basis}:${f.expected}`)).toEqual(['aht:baseline:100']);
  });
});

describe.each(testBackends())("a campaign's report ($name)", (backend) => {
  it('given a1 and a2 answering the campaign\'s calls, its agents are the two who worked it (not 0), and its calls per agent follow', async () => {
    const out = (id: string, agent: string, at: number) => [
      ev.dialed(id, 'pkg', 'connected', t(at)),
      ev.offered(id, 'booking', t(at + 1), { direction: 'outbound', campaignId: 'pkg' }),
      ev.answered(id, agent, t(at + 3)),
      ev.ended(id, t(at + 120)),
    ];
    const { reports } = await eventsDb(backend, [
      ...ready(t(0), 'a1', 'a2'),
      ...out('o1', 'a1', 10),
      ...out('o2', 'a2', 20),
      ...out('o3', 'a1', 1000),
      ev.dialed('o4', 'pkg', 'no_answer', t(1100)),
      // An inbound call of a2's: not the campaign's.
      ev.offered('i1', 'booking', t(1200)),
      ev.answered('i1', 'a2', t(1205)),
      ev.ended('i1', t(1300)),
      ev.logout('a1', t(3600)),
      ev.logout('a2', t(3600)),
    ]);
    const r = await reports.daily('test', '2026-03-02', 'campaign', 'pkg');
    expect(r.total).toMatchObject({ attempts: 4, answered: 3, handled: 3, staffedAgents: 2, volumePerAgent: 1.5 });
    // Per interval: 08:00 both, 08:15 a1 alone.
    expect(r.series.filter((s) => s.values.handled > 0).map((s) => `${s.label}:${s.values.staffedAgents}`)).toEqual(['08:00:2', '08:15:1']);
    const week = await reports.weekly('test', '2026-03-02', 'campaign', 'pkg');
    expect(week.total).toMatchObject({ handled: 3, staffedAgents: 2 });
    expect(week.series[0]!.values.staffedAgents).toBe(2);
    // Another campaign's agents are its own.
    expect((await reports.daily('test', '2026-03-02', 'campaign', 'other')).total.staffedAgents).toBe(0);
  });

  it('given a1 answering a campaign call and transferring it to a2, both worked it: the stored call keeps a1, and the report counts both among its agents (each handled a part)', async () => {
    const { db, reports, repo } = await eventsDb(backend, [
      ...ready(t(0), 'a1', 'a2'),
      ev.dialed('o1', 'pkg', 'connected', t(10)),
      ev.offered('o1', 'booking', t(11), { direction: 'outbound', campaignId: 'pkg' }),
      ev.answered('o1', 'a1', t(13)),
      ev.transferredToAgent('o1', 'a2', t(60)),
      ev.ended('o1', t(120)),
      ev.logout('a1', t(3600)),
      ev.logout('a2', t(3600)),
    ]);
    const [row] = await db.database.db.select({ agentId: calls.agentId, previous: calls.previousAgentIds, transfers: calls.transfers }).from(calls).where(eq(calls.id, 'o1'));
    expect(row).toEqual({ agentId: 'a2', previous: ['a1'], transfers: 1 });
    // The calls' rows name both (the report's agents of a period whose buckets the hub wrote without them).
    expect((await repo.campaignAgents('test', 'pkg', t(0), t(3600))).map((w) => `${w.agentId}@${w.offeredAt - t(11)}`).sort()).toEqual(['a1@0', 'a2@0']);
    const r = await reports.daily('test', '2026-03-02', 'campaign', 'pkg');
    // `handled` counts each agent's part of the call (METRICS.md: transfers), so do the agents.
    expect(r.total).toMatchObject({ handled: 2, staffedAgents: 2, volumePerAgent: 1 });
    expect(r.series.filter((x) => x.values.handled > 0).map((x) => `${x.label}:${x.values.staffedAgents}`)).toEqual(['08:00:2']);
    expect((await reports.weekly('test', '2026-03-02', 'campaign', 'pkg')).total).toMatchObject({ handled: 2, staffedAgents: 2 });
  });
});
