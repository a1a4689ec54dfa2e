/**
 * Where the hub is. Served by the hub (`npm start`): the same origin. Deployed alone
 * (`node console/build`): `PUBLIC_CALLBOARD_HUB_URL`, read at run time, not build time.
 */
import { env } from '$env/dynamic/public';

export function hubUrl(path = ''): string {
  const base = (env.PUBLIC_CALLBOARD_HUB_URL ?? '').replace(/\/+$/, '');
  return base + path;
}
