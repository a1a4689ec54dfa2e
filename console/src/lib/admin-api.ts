/** The admin pages' REST calls, with the signed-in admin's bearer token. */
import { apiUrl } from './hub-url.ts';
import { i18n } from './i18n.svelte.ts';
import { session } from './state/session.svelte.ts';
import { toast } from './state/toast.svelte.ts';

export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; message: string };

/** One REST call; the error's message as the hub words it. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method,
      headers: { authorization: `Bearer ${session.token ?? ''}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    return { ok: false, status: 0, message: (err as Error).message };
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = json as { error?: { message?: string; details?: string[] } } | undefined;
    const details = e?.error?.details?.length ? ` (${e.error.details.join('; ')})` : '';
    return { ok: false, status: res.status, message: (e?.error?.message ?? res.statusText) + details };
  }
  return { ok: true, data: json as T };
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
