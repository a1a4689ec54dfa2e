/**
 * Serves the built console from the hub's Express app (`createApp({ mounts })`): one URL for the
 * hub and its console. Mount it LAST: it answers every path the hub and earlier mounts left,
 * except the API ones, which keep the hub's JSON 404.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NextFunction, Request, Response } from 'express';
import type { Mount } from '../../realtime/src/hub/app.ts';
import { BUILD_DIR } from './build.ts';

type Handler = (req: Request, res: Response, next: NextFunction) => void;
const API = /^\/(api|healthz|metrics|socket\.io)(\/|$)/;

export async function consoleMount(buildDir: string = BUILD_DIR): Promise<Mount> {
  const mod = (await import(pathToFileURL(join(buildDir, 'handler.js')).href)) as { handler: Handler };
  return ({ app }) => {
    app.use((req: Request, res: Response, next: NextFunction) => (API.test(req.path) ? next() : mod.handler(req, res, next)));
  };
}
