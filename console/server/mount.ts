/**
 * Serves the built console from the hub's Express app (`createApp({ mounts })`): one URL for the
 * hub and its console. Mount it LAST: it answers every path the hub and earlier mounts left,
 * except the API ones, which keep the hub's JSON 404.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NextFunction, Request, Response } from 'express';
import type { Mount } from '../../realtime/src/hub/app.ts';
import { BUILD_DIR } from './build.ts';

type Handler = (req: Request, res: Response, next: NextFunction) => void;
const API = /^\/(api|healthz|metrics|socket\.io)(\/|$)/;

const PREFIX = 'callboard-console-';
let loaded: Promise<Handler> | undefined;

/** Copies of processes that are gone (killed before their exit hook ran). */
function removeOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (!name.startsWith(PREFIX) || !Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

async function load(buildDir: string): Promise<Handler> {
  removeOrphans();
  const copy = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  cpSync(buildDir, copy, { recursive: true });
  // ES modules, as under console/ (its package.json says "type": "module").
  writeFileSync(join(copy, 'package.json'), '{ "type": "module" }\n');
  process.once('exit', () => rmSync(copy, { recursive: true, force: true }));
  const mod = (await import(pathToFileURL(join(copy, 'handler.js')).href)) as { handler: Handler };
  return mod.handler;
}

/**
 * Serves a private copy of the build, one per process: a rebuild while the hub runs (tests, another
 * `npm start`) replaces `console/build`, and the static file server must not lose the files it
 * started with.
 */
export async function consoleMount(buildDir: string = BUILD_DIR): Promise<Mount> {
  loaded ??= load(buildDir);
  const handler = await loaded;
  return ({ app }) => {
    app.use((req: Request, res: Response, next: NextFunction) => (API.test(req.path) ? next() : handler(req, res, next)));
  };
}
