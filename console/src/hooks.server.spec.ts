import { afterEach, describe, expect, it } from 'vitest';
import { env } from '$env/dynamic/public';
import type { ApiErrorBody } from '$contracts/socket.ts';
import { apiErrorOf, apiFailText } from '$lib/api-fail.ts';
import { handle } from './hooks.server.ts';

afterEach(() => {
  delete env.PUBLIC_CALLBOARD_HUB_URL;
});

/** `handle` for a request to `path`, as SvelteKit calls it (the page itself never resolved here). */
const request = (path: string) =>
  handle({
    event: { url: new URL(`http://console.test${path}`), request: new Request(`http://console.test${path}`) },
    resolve: () => new Response('page'),
  } as unknown as Parameters<typeof handle>[0]);

describe('the console server forwarding the REST API to a hub deployed apart', () => {
  it('given the hub cannot be reached, answers 502 unavailable with the reason the console words in Vietnamese and English', async () => {
    // Port 1 on the loopback: nothing listens, the connection is refused at once.
    env.PUBLIC_CALLBOARD_HUB_URL = 'http://127.0.0.1:1/';
    const res = await request('/api/v1/snapshot');
    expect(res.status).toBe(502);
    const e = await apiErrorOf(res);
    const body: ApiErrorBody = e.body;
    expect(body).toMatchObject({ code: 'unavailable', reason: 'hub_unreachable' });
    expect(body.message).toBe(`hub unreachable: ${body.params!.detail}`);
    expect(apiFailText(body, 502, 'vi')).toBe('Không kết nối được tới máy chủ tổng đài (hub), vui lòng thử lại sau');
    expect(apiFailText(body, 502, 'en')).toBe('Cannot reach the call-center server (hub): please try again later');
  });

  it('given no hub URL, leaves every request to SvelteKit', async () => {
    expect(await (await request('/api/v1/snapshot')).text()).toBe('page');
  });
});
