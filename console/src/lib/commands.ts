/** Sends a command and turns the ack into a message for the toast (the result from the hub). */
import type { CommandName, CommandPayload, CommandResult, Response } from '$contracts/socket.ts';
import { hub } from './socket.ts';
import { i18n } from './i18n.svelte.ts';
import { toast } from './state/toast.svelte.ts';

export async function send<K extends CommandName>(name: K, payload: CommandPayload<K>, okText?: string): Promise<Response<CommandResult>> {
  const res = await hub.command(name, payload);
  if (res.ok) {
    // Applied, but the hub's event log (Redis) has not taken it yet: say so, so nobody does it twice.
    if (res.data.unsaved) toast.show(i18n.t('ackUnsaved'), 'bad', 10_000);
    else if (okText !== undefined) toast.show(`${okText} — ${i18n.t('ackOk', { seq: res.data.seq })}`, 'ok');
  } else {
    const msg = res.error.message === 'not connected' ? i18n.t('notConnected') : res.error.message === 'timeout' ? i18n.t('hubTimeout') : res.error.message;
    toast.show(i18n.t('ackFail', { msg }), 'bad', 8000);
  }
  return res;
}
