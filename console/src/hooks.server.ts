/**
 * Deployed alone (`PUBLIC_CALLBOARD_HUB_URL=http://hub:8080 node console/build`), the console's
 * server forwards the hub's REST API (`/api/...`), so the browser talks to one origin for REST and
 * the `callboard_token` cookie stays first-party; the socket connects to the hub directly.
 * Served by the hub (`npm start`) the variable is unset and `/api` never reaches SvelteKit.
 */
import type { Handle } from '@sveltejs/kit';
import { env } from '$env/dynamic/public';
import { apiFail } from '$contracts/api-errors.ts';

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'content-encoding'];

export const handle: Handle = async ({ event, resolve }) => {
  const hub = env.PUBLIC_CALLBOARD_HUB_URL?.replace(/\/+$/, '');
  if (!hub || !event.url.pathname.startsWith('/api/')) return resolve(event);
  const headers = new Headers(event.request.headers);
  for (const h of HOP_BY_HOP) headers.delete(h);
  const init: RequestInit & { duplex?: 'half' } = { method: event.request.method, headers, redirect: 'manual' };
  if (event.request.method !== 'GET' && event.request.method !== 'HEAD') {
    init.body = await event.request.arrayBuffer();
  }
  let res: Response;
  try {
    res = await fetch(hub + event.url.pathname + event.url.search, init);
  } catch (err) {
    // The hub is down or unreachable, not broken: `unavailable` (retry later), worded by the console from its reason.
    const error = { code: 'unavailable', ...apiFail('hub_unreachable', { detail: (err as Error).message }) };
    return new Response(JSON.stringify({ error }), { status: 502, headers: { 'content-type': 'application/json' } });
  }
  const out = new Headers(res.headers);
  for (const h of HOP_BY_HOP) out.delete(h);
  return new Response(await res.arrayBuffer(), { status: res.status, headers: out });
};
