/**
 * `npm run simulate -- [options]`: generate contact-center traffic.
 *   --out FILE.ndjson | -   write a complete, self-routed recording (file mode)
 *   otherwise               feed a running hub that routes (hub mode), default http://127.0.0.1:8080
 * See docs/SIMULATOR.md.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { parseSiteConfig } from '../../realtime/src/contracts/index.ts';
import { DEFAULT_HUB_URL, HubAuthError, HubUnreachableError } from './lib/hub-client.ts';
import { fetchHubClock, planClock } from './sim/hub-clock.ts';
import {
  expectedArrivals,
  formatDuration,
  isoInZone,
  localParts,
  parseDuration,
  profileAt,
  resolveSimOptions,
  runSimulation,
  simulate,
  socketTransport,
  type HubSimCounters,
  type ProfileName,
  type ResolvedSimOptions,
  type SimOptions,
} from './sim/index.ts';

const HELP = `Usage: npm run simulate -- [options]

File mode (--out): the simulator routes calls itself and writes every CTI event as NDJSON.
Hub mode (default): feeds a running hub that routes; simulated agents answer over Socket.IO.

  --out FILE|-        write NDJSON to FILE, or to stdout with "-"
  --hub URL           hub base URL (hub mode)                 [${DEFAULT_HUB_URL}]
  --token JWT         telephony credential                    [$CALLBOARD_TOKEN, else signed with $CALLBOARD_JWT_SECRET]
  --start ISO         simulated start, e.g. 2026-11-22T08:00:00+07:00   [now]
  --duration D        e.g. 90m, 2h, 1d; "inf" = until Ctrl-C  [file: 2h, hub: inf]
  --speed N           simulated seconds per real second       [1; file mode: as fast as possible]
  --fast              file mode: write as fast as possible (default for --out)
  --seed N            random seed (same seed, same traffic)   [1]
  --rate X            multiply every queue's arrival rate     [1]
  --agents N          simulated agents, round-robin over teams [all agents of the site]
  --except a,b        agents not simulated: left for people at the agent desk  [none]
  --queues a,b        only these queues                       [all queues of the site]
  --profile P         hotline (07:00-21:00 with peaks) | flat (24 h at peak)  [hotline]
  --site FILE.json    site configuration                      [the demo site]
  --miss P            probability an agent lets an offer ring out   [0.05]
  --decline P         probability an agent declines an offer       [0.02]
  --no-breaks         agents take no breaks or lunch
  --quiet             no progress lines
  -h, --help
`;

function fail(message: string): never {
  process.stderr.write(`simulate: ${message}\n`);
  process.exit(1);
}

function num(name: string, v: string | undefined, check: (n: number) => boolean = Number.isFinite): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!check(n)) fail(`--${name} must be a number (got "${v}")`);
  return n;
}

const { values: a } = (() => {
  try {
    return parseArgs({
      options: {
        out: { type: 'string', short: 'o' },
        hub: { type: 'string' },
        token: { type: 'string' },
        start: { type: 'string' },
        duration: { type: 'string' },
        speed: { type: 'string' },
        fast: { type: 'boolean' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        agents: { type: 'string' },
        except: { type: 'string' },
        queues: { type: 'string' },
        profile: { type: 'string' },
        site: { type: 'string' },
        miss: { type: 'string' },
        decline: { type: 'string' },
        'no-breaks': { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`);
  }
})();

if (a.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const fileMode = a.out !== undefined;
if (fileMode && a.hub) fail('use either --out (file mode) or --hub (hub mode), not both');

const options: SimOptions = {};
if (a.start) {
  const t = Date.parse(a.start);
  if (!Number.isFinite(t)) fail(`--start is not a date: "${a.start}" (example: 2026-11-22T08:00:00+07:00)`);
  options.start = t;
}
try {
  if (a.duration) options.durationMs = parseDuration(a.duration);
} catch (err) {
  fail((err as Error).message);
}
const seed = num('seed', a.seed, Number.isInteger);
if (seed !== undefined) options.seed = seed;
const rate = num('rate', a.rate, (n) => n >= 0);
if (rate !== undefined) options.rate = rate;
const agents = num('agents', a.agents, (n) => Number.isInteger(n) && n >= 0);
if (agents !== undefined) options.agents = agents;
if (a.except) options.except = a.except.split(',').map((s) => s.trim()).filter(Boolean);
if (a.queues) options.queues = a.queues.split(',').map((s) => s.trim()).filter(Boolean);
if (a.profile) {
  if (a.profile !== 'hotline' && a.profile !== 'flat') fail('--profile is hotline or flat');
  options.profile = a.profile as ProfileName;
}
if (a.site) {
  try {
    options.site = parseSiteConfig(JSON.parse(readFileSync(a.site, 'utf8')));
  } catch (err) {
    fail(`--site ${a.site}: ${(err as Error).message}`);
  }
}
const behaviour: NonNullable<SimOptions['behaviour']> = {};
const miss = num('miss', a.miss, (n) => n >= 0 && n <= 1);
if (miss !== undefined) behaviour.missProbability = miss;
const decline = num('decline', a.decline, (n) => n >= 0 && n <= 1);
if (decline !== undefined) behaviour.declineProbability = decline;
if (a['no-breaks']) behaviour.breaks = false;
options.behaviour = behaviour;
const speed = num('speed', a.speed, (n) => n > 0);
const log = (line: string): void => {
  if (!a.quiet) process.stderr.write(`${line}\n`);
};

const resolved: ResolvedSimOptions = (() => {
  try {
    return resolveSimOptions({ ...(fileMode ? {} : { durationMs: Number.POSITIVE_INFINITY }), ...options });
  } catch (err) {
    fail((err as Error).message);
  }
})();
const tz = resolved.timeZone;
const clock = (t: number): string => isoInZone(t, tz).slice(0, 19).replace('T', ' ');

function banner(mode: string): void {
  const hours = Number.isFinite(resolved.end) ? ` to ${clock(resolved.end)}` : ' until stopped';
  log(
    `simulate: ${mode}, ${clock(resolved.start)}${hours} (${tz}), seed ${resolved.seed}, ` +
      `${resolved.agents.length} agents, queues ${resolved.queues.map((q) => q.config.id).join(',')}, profile ${resolved.profile}`,
  );
  if (resolved.profile === 'hotline' && profileAt('hotline', localParts(tz, resolved.start).minuteOfDay) === 0) {
    log('simulate: note: the hotline profile is closed at the start time (open 07:00-21:00); use --profile flat for traffic now');
  }
  if (Number.isFinite(resolved.end)) {
    const exp = resolved.queues.reduce((s, q) => s + expectedArrivals(resolved, q.config.id), 0);
    log(`simulate: about ${Math.round(exp)} calls / dial attempts expected over ${formatDuration(resolved.durationMs)}`);
  }
}

async function writeFile(): Promise<void> {
  banner(`file mode -> ${a.out === '-' ? 'stdout' : a.out}`);
  const out = a.out === '-' ? process.stdout : createWriteStream(a.out!, { encoding: 'utf8' });
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await once(out, 'drain');
  };
  const t0 = Date.now();
  const result = simulate(options);
  if (result.openCalls !== 0) log(`simulate: warning: ${result.openCalls} calls still open at the end`);
  if (speed !== undefined && !a.fast) {
    // Paced output: each event is written when the simulated clock (wall x speed) reaches it.
    const wall0 = Date.now();
    let lastProgress = wall0;
    let n = 0;
    for (const e of result.events) {
      const due = wall0 + (Date.parse(e.at as string) - resolved.start) / speed;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await write(`${JSON.stringify(e)}\n`);
      n++;
      if (Date.now() - lastProgress > 5000) {
        lastProgress = Date.now();
        log(`simulate: ${clock(Date.parse(e.at as string))}  ${n}/${result.events.length} events`);
      }
    }
  } else {
    let chunk = '';
    for (const e of result.events) {
      chunk += `${JSON.stringify(e)}\n`;
      if (chunk.length > 1 << 16) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(chunk);
  }
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  const k = result.counters;
  const abandonPct = k.offered ? ((100 * k.abandoned) / k.offered).toFixed(1) : '0';
  log(
    `simulate: ${result.events.length} events in ${Date.now() - t0} ms: offered ${k.offered}, answered ${k.answered}, ` +
      `abandoned ${k.abandoned} (${abandonPct}%), dial attempts ${k.dialed}, missed offers ${k.missedOffers}, declined ${k.declinedOffers}`,
  );
}

function progressLine(k: HubSimCounters): string {
  return (
    `simulate: [${clock(k.simNow)}] offered ${k.offered}, answered ${k.answered}, abandoned ${k.abandoned}, ` +
    `waiting ${k.waiting}, agents in ${k.loggedIn}` +
    (k.rejected ? `, rejected by hub ${k.rejected}` : '')
  );
}

async function feedHub(): Promise<void> {
  const url = a.hub ?? DEFAULT_HUB_URL;
  // Agent commands are timed by the hub's clock, telephony events by ours: one speed, one origin.
  const hc = await fetchHubClock(url);
  const plan = planClock(hc, speed, options.start);
  if (!plan.ok) fail(plan.error);
  if (plan.note) log(`simulate: note: ${plan.note}`);
  const simSpeed = plan.speed;
  if (plan.start !== undefined) options.start = plan.start;
  banner(`hub mode -> ${url}, speed ${simSpeed ?? 1}${hc ? ` (hub clock: ${hc.mode}${hc.mode === 'wall' ? ` x${hc.speed}` : ''})` : ''}`);
  const handle = runSimulation(
    {
      ...options,
      ...(simSpeed !== undefined ? { speed: simSpeed } : {}),
      onProgress: (k) => log(progressLine(k)),
      onWarning: (m) => log(`simulate: warning: ${m}`),
    },
    socketTransport({ url, ...(a.token ? { token: a.token } : {}) }),
  );
  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) process.exit(130);
    stopping = true;
    log('simulate: stopping (Ctrl-C again to quit at once): abandoning waiting calls, logging agents out');
    void handle.stop();
  });
  // SIGTERM (e.g. from `npm start` shutting down, hub included): tidy up if the hub still answers, quietly.
  process.on('SIGTERM', () => {
    const quit = setTimeout(() => process.exit(0), 2000);
    quit.unref();
    handle.stop().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  });
  try {
    const k = await handle.done;
    log(progressLine(k));
    const problems = Object.entries(k.problems);
    if (problems.length) log(`simulate: problems: ${problems.map(([r, n]) => `${r} x${n}`).join('; ')}`);
    log(`simulate: hub accepted ${k.accepted}, duplicates ${k.duplicates}, rejected ${k.rejected}`);
    process.exit(0);
  } catch (err) {
    if (err instanceof HubUnreachableError) fail(`${err.message}\n  is the hub running? (npm run hub) Or pass --hub URL.`);
    if (err instanceof HubAuthError) {
      fail(`${err.message}\n  check --token / CALLBOARD_TOKEN, or that CALLBOARD_JWT_SECRET matches the hub's.`);
    }
    fail((err as Error).message);
  }
}

try {
  if (fileMode) await writeFile();
  else await feedHub();
} catch (err) {
  fail((err as Error).message);
}

