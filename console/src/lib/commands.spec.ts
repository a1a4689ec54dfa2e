import { beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_FAIL_EN, COMMAND_FAIL_REASONS, type CommandFailReason } from '$contracts/command-errors.ts';
import type { ErrorBody, Response, CommandResult } from '$contracts/socket.ts';
import { MESSAGES } from './messages.ts';

// The hub connection, the page's language and the toast are browser singletons: plain stand-ins here.
const h = vi.hoisted(() => ({
  lang: 'vi' as 'vi' | 'en',
  shown: [] as { text: string; kind: string }[],
  answer: undefined as unknown,
}));
vi.mock('./socket.ts', () => ({ hub: { command: async () => h.answer } }));
vi.mock('./state/toast.svelte.ts', () => ({ toast: { show: (text: string, kind: string) => h.shown.push({ text, kind }) } }));
vi.mock('./i18n.svelte.ts', async () => {
  const { MESSAGES: M } = await import('./messages.ts');
  return {
    i18n: {
      get lang() {
        return h.lang;
      },
      t: (key: string, vars: Record<string, string | number> = {}) =>
        Object.entries(vars).reduce((s, [k, v]) => s.split(`{${k}}`).join(String(v)), (M[h.lang] as Record<string, string>)[key] ?? key),
    },
  };
});

const { failText, send } = await import('./commands.ts');

/** A reason's params: those its English sentence names, and `fields`, which only `details` spells out in English. */
const paramNames = (reason: CommandFailReason) => [
  ...[...COMMAND_FAIL_EN[reason].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
  ...(reason === 'invalid_payload' ? ['fields'] : []),
];
const fail = (reason: CommandFailReason, params: Record<string, string>, message = 'english'): ErrorBody => ({ code: 'conflict', message, reason, params });

async function toastOf(error: ErrorBody, lang: 'vi' | 'en'): Promise<string> {
  h.lang = lang;
  h.answer = { ok: false, error } satisfies Response<CommandResult>;
  h.shown.length = 0;
  await send('offer:accept', { callId: 'c42' });
  expect(h.shown).toHaveLength(1);
  expect(h.shown[0]!.kind).toBe('bad');
  return h.shown[0]!.text;
}

describe('why a command failed, in the console language', () => {
  beforeEach(() => {
    h.shown.length = 0;
  });

  it('every reason of the hub has a Vietnamese text (with diacritics) and an English one, using only that reason\'s params', () => {
    for (const reason of COMMAND_FAIL_REASONS) {
      const vi = (MESSAGES.vi as Record<string, string>)[`cf_${reason}`];
      const en = (MESSAGES.en as Record<string, string>)[`cf_${reason}`];
      expect(vi, `vi ${reason}`).toMatch(/[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/);
      expect(en, `en ${reason}`).toMatch(/\w/);
      expect(vi).not.toBe(en);
      for (const text of [vi!, en!]) {
        const used = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        expect(used.filter((k) => !paramNames(reason).includes(k)), `${reason}: ${text}`).toEqual([]);
      }
    }
  });

  it('every reason worded with its params leaves no placeholder, in both languages', () => {
    for (const reason of COMMAND_FAIL_REASONS) {
      const params = Object.fromEntries(paramNames(reason).map((k) => [k, `${k}1`]));
      for (const lang of ['vi', 'en'] as const) {
        const text = failText(fail(reason, params), lang);
        expect(text, `${lang} ${reason}`).not.toMatch(/[{}]/);
        expect(text).not.toBe('english');
      }
    }
  });

  it('given an offer that stopped ringing, the toast names the call, in Vietnamese and in English', async () => {
    const error = fail('offer_not_ringing', { callId: 'c42' }, 'no offer of call c42 is ringing for you (it may have expired)');
    expect(await toastOf(error, 'vi')).toBe('Không thực hiện được: cuộc gọi c42 không còn đổ chuông cho bạn (có thể đã hết giờ)');
    expect(await toastOf(error, 'en')).toBe('Failed: call c42 is no longer ringing for you (it may have timed out)');
  });

  it('given a call status, a role, a command and site states, they are worded too; ids and unknown tokens stay as they are', () => {
    expect(failText(fail('call_not_holdable', { callId: 'c1', status: 'held' }), 'vi')).toBe('không thể giữ máy cuộc gọi c1: cuộc gọi đang giữ máy');
    expect(failText(fail('call_not_held', { callId: 'c1', status: 'connected' }), 'en')).toBe('cannot resume call c1: it is connected, not on hold');
    expect(failText(fail('role_not_allowed', { role: 'agent', command: 'queue:setOpen' }), 'vi')).toBe('vai trò Điện thoại viên không được phép mở hoặc đóng hàng đợi');
    expect(failText(fail('role_not_allowed', { role: 'team_lead', command: 'queue:setPriority' }), 'en')).toBe('the Team lead role may not change the priority of a queue');
    expect(failText(fail('unknown_command', { command: 'queue:explode' }), 'vi')).toBe('hub không nhận lệnh queue:explode');
    expect(failText(fail('unknown_state', { state: 'napping', allowed: 'available, break, lunch, siesta' }), 'vi')).toBe(
      'tổng đài này không có trạng thái napping; các trạng thái được dùng: Sẵn sàng, Nghỉ giải lao, Ăn trưa, siesta',
    );
    // Not the call's id (noise to a team lead), nor "end it first" (a team lead cannot).
    expect(failText(fail('agent_on_call', { agentId: 'a1', callId: 'out:vaccine-packages:3p88:1' }), 'vi')).toBe('điện thoại viên a1 đang trong một cuộc gọi: chỉ đổi được trạng thái khi cuộc gọi kết thúc');
  });

  it('given an invalid payload, the toast says "invalid data" with the field paths (zod messages stay untranslated in details)', async () => {
    const error: ErrorBody = {
      code: 'invalid',
      message: 'invalid queue:setPriority payload',
      details: ['priority: Too big: expected number to be <=10'],
      reason: 'invalid_payload',
      params: { command: 'queue:setPriority', fields: 'priority, colour' },
    };
    expect(await toastOf(error, 'vi')).toBe('Không thực hiện được: dữ liệu không hợp lệ: priority, colour');
    expect(await toastOf(error, 'en')).toBe('Failed: invalid data: priority, colour');
    expect(failText({ ...error, params: { command: 'queue:setPriority', fields: '' } }, 'vi')).toBe('dữ liệu không hợp lệ');
  });

  it('given no reason (an older hub, the access check) or one this console does not know, the English message shows', async () => {
    expect(await toastOf({ code: 'forbidden', message: 'role agent may not queue:control' }, 'vi')).toBe('Không thực hiện được: role agent may not queue:control');
    expect(failText({ code: 'conflict', message: 'a newer reason', reason: 'teleported' as CommandFailReason, params: {} }, 'vi')).toBe('a newer reason');
  });

  it('given no connection or no answer, the toast says so in the console language', async () => {
    expect(await toastOf({ code: 'internal', message: 'not connected' }, 'vi')).toBe('Không thực hiện được: chưa kết nối với hub');
    expect(await toastOf({ code: 'internal', message: 'timeout' }, 'en')).toBe('Failed: the hub did not answer');
  });
});
