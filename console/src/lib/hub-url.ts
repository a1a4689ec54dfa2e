/**
 * Where the hub's Socket.IO endpoint is. Served by the hub (`npm start`): the same origin. Deployed
 * alone (`node console/build`): `PUBLIC_CALLBOARD_HUB_URL`, read at run time, not build time. REST
 * calls always go to the console's own origin (the hub itself, or the console's proxy in
 * hooks.server.ts).
 */
import { env } from '$env/dynamic/public';

export function hubSocketUrl(): string | undefined {
  const base = (env.PUBLIC_CALLBOARD_HUB_URL ?? '').replace(/\/+$/, '');
  return base || undefined;
}

/** REST path on the console's origin. */
export function apiUrl(path: string): string {
  return path;
}
