/**
 * `npm run replay -- FILE [more files] [options]`: feed recorded telephony events to a hub, or
 * convert them to NDJSON. Reads NDJSON files of CTI events and Anonymous Bank 1999 monthly `.txt`
 * files (detected by their header). See docs/REPLAY.md.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_HUB_URL, HubAuthError, HubClient, HubUnreachableError, telephonyToken } from './lib/hub-client.ts';
import { checkEventSequence } from './replay/check.ts';
import { hubSink, ndjsonSink, replayFiles, type ReplaySink, type ReplaySummary } from './replay/run.ts';
import type { NoServerPolicy } from './replay/anonymous-bank.ts';

const HELP = `Usage: npm run replay -- FILE [FILE...] [options]

FILE is an NDJSON file of CTI events, or an Anonymous Bank monthly .txt file
(e.g. ../shared/data/anonymous-bank-1999/january.txt). Files are replayed in the order given;
the events of each file are sorted by time first.

  --hub URL          send to this hub (default when --out is not given)  [${DEFAULT_HUB_URL}]
  --token JWT        telephony credential     [$CALLBOARD_TOKEN, else signed with $CALLBOARD_JWT_SECRET]
  --out FILE|-       only convert: write NDJSON to FILE (or stdout with "-")
  --speed N          replay at N x the recorded pace       [as fast as possible]
  --rebase           shift times so the first event is now (live demos)
  --batch N          events per request                    [500]
  --no-server P      Anonymous Bank AGENT rows without a server: pool | skip   [pool]
  --check            also check each file's sequence (one call at a time per agent, every call resolved...)
  --quiet            no progress lines
  -h, --help
`;

function fail(message: string): never {
  process.stderr.write(`replay: ${message}\n`);
  process.exit(1);
}

const { values: a, positionals: files } = (() => {
  try {
    return parseArgs({
      options: {
        hub: { type: 'string' },
        token: { type: 'string' },
        out: { type: 'string', short: 'o' },
        speed: { type: 'string' },
        rebase: { type: 'boolean' },
        batch: { type: 'string' },
        'no-server': { type: 'string' },
        check: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (err) {
    fail(`${(err as Error).message}\n\n${HELP}`);
  }
})();

if (a.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (files.length === 0) fail(`no input file\n\n${HELP}`);
if (a.out !== undefined && a.hub) fail('use either --out (convert) or --hub (send), not both');
const speed = a.speed === undefined ? undefined : Number(a.speed);
if (speed !== undefined && !(speed > 0)) fail(`--speed must be a positive number (got "${a.speed}")`);
const batchSize = a.batch === undefined ? 500 : Number(a.batch);
if (!Number.isInteger(batchSize) || batchSize < 1) fail(`--batch must be a whole number >= 1 (got "${a.batch}")`);
const noServer = (a['no-server'] ?? 'pool') as NoServerPolicy;
if (noServer !== 'pool' && noServer !== 'skip') fail('--no-server is pool or skip');
const log = (line: string): void => {
  if (!a.quiet) process.stderr.write(`${line}\n`);
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const short = (p: string): string => p.split('/').pop() ?? p;

function printSummary(s: ReplaySummary, toHub: boolean): void {
  for (const f of s.files) {
    log(`replay: ${short(f.path)} (${f.format}): ${fmt(f.rows)} rows -> ${fmt(f.events)} events`);
    for (const [k, n] of Object.entries(f.skipped)) log(`          skipped ${fmt(n).padStart(7)}  ${k}`);
    for (const [k, n] of Object.entries(f.quirks)) log(`          kept    ${fmt(n).padStart(7)}  ${k}`);
  }
  const secs = (s.elapsedMs / 1000).toFixed(1);
  if (toHub) {
    log(
      `replay: sent ${fmt(s.sent)} events in ${secs} s (${fmt(s.eventsPerSec)}/s): accepted ${fmt(s.accepted)}, ` +
        `duplicates ${fmt(s.duplicates)}, rejected ${fmt(s.rejectedCount)}`,
    );
    const reasons = Object.entries(s.rejected).sort((x, y) => y[1] - x[1]);
    for (const [k, n] of reasons) log(`          rejected ${fmt(n).padStart(7)}  ${k}`);
  } else {
    log(`replay: wrote ${fmt(s.sent)} events in ${secs} s`);
  }
  const skipped = Object.entries(s.skipped);
  if (skipped.length > 1 && s.files.length > 1) {
    log('replay: rows skipped, all files:');
    for (const [k, n] of skipped) log(`          ${fmt(n).padStart(7)}  ${k}`);
  }
}

async function main(): Promise<void> {
  let sink: ReplaySink;
  const toHub = a.out === undefined;
  if (toHub) {
    const url = a.hub ?? DEFAULT_HUB_URL;
    const client = new HubClient({ url, token: a.token ?? telephonyToken() });
    await client.probe();
    log(`replay: sending to ${url}${speed ? ` at ${speed}x` : ' as fast as possible'}${a.rebase ? ', rebased to now' : ''}`);
    sink = hubSink(client);
  } else {
    sink = ndjsonSink(a.out === '-' ? process.stdout : a.out!);
  }
  const summary = await replayFiles(files, sink, {
    ...(speed !== undefined ? { speed } : {}),
    rebase: a.rebase ?? false,
    batchSize,
    anonymousBank: { noServer },
    onFileLoaded: (src) => {
      log(`replay: read ${short(src.path)} (${src.format}): ${fmt(src.events.length)} events`);
      if (a.check) {
        const r = checkEventSequence(src.events);
        log(
          `replay: check ${short(src.path)}: ${r.problemCount} problems, ${r.unresolved} unresolved calls, ` +
            `${r.neverEnded} never ended, ${r.stillLoggedIn} agents still signed in`,
        );
        for (const p of r.problems) log(`          ${p}`);
      }
    },
    onProgress: (p) =>
      log(
        `replay: ${short(p.file)} [${p.fileIndex + 1}/${p.files}] ${fmt(p.fileSent)}/${fmt(p.fileEvents)} ` +
          `(${Math.floor((100 * p.fileSent) / Math.max(1, p.fileEvents))}%), total ${fmt(p.sent)} events, ${fmt(p.eventsPerSec)}/s` +
          (p.at !== undefined ? `, at ${new Date(p.at).toISOString()}` : ''),
      ),
  });
  printSummary(summary, toHub);
}

try {
  await main();
} catch (err) {
  if (err instanceof HubUnreachableError) fail(`${err.message}\n  is the hub running? (npm run hub) Or pass --hub URL.`);
  if (err instanceof HubAuthError) fail(`${err.message}\n  check --token / CALLBOARD_TOKEN, or that CALLBOARD_JWT_SECRET matches the hub's.`);
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') fail(`no such file: ${e.path ?? e.message}`);
  fail(e.message ?? String(err));
}
