/** The admin pages' REST calls, with the signed-in admin's bearer token. */
import type { ApiErrorBody } from '$contracts/socket.ts';
import { apiErrorOf, apiFailText, errorText } from './api-fail.ts';
import { apiUrl } from './hub-url.ts';
import { i18n } from './i18n.svelte.ts';
import { session } from './state/session.svelte.ts';
import { toast } from './state/toast.svelte.ts';

/** A failure's `message` is in the console's language (`apiFailText`); `error` is the hub's body. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; message: string; error?: ApiErrorBody };

/** One REST call; a failure worded in the console's language. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method,
      headers: { authorization: `Bearer ${session.token ?? ''}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    return { ok: false, status: 0, message: errorText(err, i18n.lang) };
  }
  if (!res.ok) {
    const e = await apiErrorOf(res);
    return { ok: false, status: res.status, message: apiFailText(e.body, e.status, i18n.lang), error: e.body };
  }
  const text = await res.text();
  return { ok: true, data: (text ? JSON.parse(text) : undefined) as T };
}

/** An admin action's answer as a toast (the hub's reason when it failed); its data when it succeeded. */
export async function toastResult<T>(p: Promise<ApiResult<T>>, okText: string): Promise<T | undefined> {
  const r = await p;
  if (!r.ok) {
    toast.show(i18n.t('ackFail', { msg: r.message }), 'bad', 8000);
    return undefined;
  }
  toast.show(okText, 'ok');
  return r.data;
}
