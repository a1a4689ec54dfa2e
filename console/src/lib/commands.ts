/** Sends a command and turns the ack into a message for the toast (the result from the hub). */
import type { CommandFailReason } from '$contracts/command-errors.ts';
import type { CommandName, CommandPayload, CommandResult, ErrorBody, Response } from '$contracts/socket.ts';
import type { Lang } from './format.ts';
import { hub } from './socket.ts';
import { i18n } from './i18n.svelte.ts';
import { fill, stateWord, word } from './api-fail.ts';
import { MESSAGES, type MessageKey } from './messages.ts';
import { toast } from './state/toast.svelte.ts';

// Typed lookups: a reason or a command without a message in messages.ts does not compile.
const reasonKey = (reason: CommandFailReason): MessageKey => `cf_${reason}`;
const commandKey = (name: CommandName): MessageKey => `cmd_${name}`;

/**
 * Why a command failed, in `lang`: the hub's `reason` worded with its `params` (call statuses, roles,
 * commands and states in words too), or the hub's English `message` for a failure without a reason
 * (a REST-style error, the access check) or with one this console does not know (a newer hub).
 */
export function failText(error: ErrorBody, lang: Lang): string {
  const { reason } = error;
  const m = MESSAGES[lang];
  if (reason === undefined || !Object.hasOwn(m, `cf_${reason}`)) return error.message;
  const p = error.params ?? {};
  if (reason === 'invalid_payload' && !p.fields) return m.cfInvalidNoFields;
  const vars: Record<string, string> = { ...p };
  if (p.status !== undefined) vars.status = word(lang, 'cfs_', p.status);
  if (p.role !== undefined) vars.role = word(lang, 'role_', p.role);
  // A command the hub names but this console does not know (only `unknown_command`) stays as it is.
  if (p.command !== undefined && Object.hasOwn(m, `cmd_${p.command}`)) vars.command = m[commandKey(p.command as CommandName)];
  if (p.state !== undefined) vars.state = stateWord(lang, p.state);
  if (p.allowed !== undefined) vars.allowed = p.allowed.split(', ').map((s) => stateWord(lang, s)).join(', ');
  return fill(m[reasonKey(reason)], vars);
}

export async function send<K extends CommandName>(name: K, payload: CommandPayload<K>, okText?: string): Promise<Response<CommandResult>> {
  const res = await hub.command(name, payload);
  if (res.ok) {
    // Applied, but the hub's event log (Redis) has not taken it yet: say so, so nobody does it twice.
    if (res.data.unsaved) toast.show(i18n.t('ackUnsaved'), 'bad', 10_000);
    else if (okText !== undefined) toast.show(`${okText} — ${i18n.t('ackOk')}`, 'ok');
  } else {
    const msg = res.error.message === 'not connected' ? i18n.t('notConnected') : res.error.message === 'timeout' ? i18n.t('hubTimeout') : failText(res.error, i18n.lang);
    toast.show(i18n.t('ackFail', { msg }), 'bad', 8000);
  }
  return res;
}
