import { describe, expect, it } from 'vitest';
import { API_FAIL_EN, API_FAIL_REASONS, apiFail, apiFailParamNames, type ApiFailReason } from '$contracts/api-errors.ts';
import type { ApiErrorBody, ErrorCode } from '$contracts/socket.ts';
import { ApiError, apiErrorOf, apiFailText, connectRefusal, detailFields, errorText, fieldProblems, fill } from './api-fail.ts';
import { MESSAGES } from './messages.ts';

const VI_LETTERS = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;
/** Every code, checked against the union: a new code without an entry does not compile. */
const CODES = Object.keys({ invalid: 1, unauthorized: 1, forbidden: 1, not_found: 1, conflict: 1, unavailable: 1, internal: 1 } satisfies Record<ErrorCode, 1>) as ErrorCode[];
const text = (lang: 'vi' | 'en', key: string) => (MESSAGES[lang] as Record<string, string>)[key];
/** The body the hub answers for a reason (its English sentence built from the same params). */
const body = <K extends ApiFailReason>(code: ErrorCode, reason: K, params: Parameters<typeof apiFail<K>>[1]): ApiErrorBody => ({ code, ...apiFail(reason, params) });

describe('why a REST request failed, in the console language', () => {
  it('every reason of the hub has a Vietnamese text (with diacritics) and an English one, using only that reason\'s params', () => {
    expect(API_FAIL_REASONS.length).toBeGreaterThan(30);
    for (const reason of API_FAIL_REASONS) {
      const vi = text('vi', `af_${reason}`);
      const en = text('en', `af_${reason}`);
      expect(vi, `vi ${reason}`).toMatch(VI_LETTERS);
      expect(en, `en ${reason}`).toMatch(/\w/);
      expect(vi).not.toBe(en);
      for (const t of [vi!, en!]) {
        const used = [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        expect(used.filter((k) => !apiFailParamNames(reason).includes(k)), `${reason}: ${t}`).toEqual([]);
      }
    }
  });

  it('every reason worded with its params leaves no placeholder and is not the English message, in both languages', () => {
    for (const reason of API_FAIL_REASONS) {
      const params = Object.fromEntries(apiFailParamNames(reason).map((k) => [k, `${k}1`]));
      const b: ApiErrorBody = { code: 'conflict', message: 'english', reason, params };
      for (const lang of ['vi', 'en'] as const) {
        const t = apiFailText(b, 409, lang);
        expect(t, `${lang} ${reason}`).not.toMatch(/[{}]/);
        expect(t).not.toBe('english');
      }
    }
  });

  it('every error code has a generic text in both languages', () => {
    for (const code of CODES) {
      expect(text('vi', `afc_${code}`), code).toMatch(VI_LETTERS);
      expect(text('en', `afc_${code}`), code).toMatch(/\w/);
      expect(apiFailText({ code, message: 'english' }, 500, 'vi')).toBe(text('vi', `afc_${code}`));
    }
  });

  it('given a reason with params, statuses, roles, actions and scopes are worded too; ids stay as they are', () => {
    expect(apiFailText(body('conflict', 'complaint_bad_move', { from: 'open', to: 'closed' }), 409, 'vi')).toBe('Khiếu nại đang ở trạng thái “Mới” nên không chuyển sang “Đã đóng” được');
    expect(apiFailText(body('conflict', 'complaint_bad_move', { from: 'open', to: 'closed' }), 409, 'en')).toBe('A complaint that is “Open” cannot become “Closed”');
    expect(apiFailText(body('invalid', 'root_cause_required', {}), 400, 'vi')).toBe('Cần chọn mã nguyên nhân gốc trước khi chuyển khiếu nại sang “Đã giải quyết”');
    expect(apiFailText(body('conflict', 'campaign_completed', { campaignId: 'pkg', action: 'pause' }), 409, 'vi')).toBe('Chiến dịch pkg đã hoàn thành: không còn gì để tạm dừng');
    expect(apiFailText(body('conflict', 'campaign_completed_start', { campaignId: 'pkg' }), 409, 'en')).toBe('Campaign pkg is completed: no lead is left to dial, so it cannot start again');
    expect(apiFailText(body('forbidden', 'role_may_not', { role: 'qa', action: 'use', request: 'GET /api/v1/complaints' }), 403, 'vi')).toBe('Vai trò Kiểm soát chất lượng không có quyền thực hiện thao tác này');
    expect(apiFailText(body('invalid', 'scope_id_required', { scope: 'team' }), 400, 'vi')).toBe('Hãy chọn nhóm cần xem');
    expect(apiFailText(body('invalid', 'range_too_long', { max: '62' }), 400, 'vi')).toBe('Khoảng thời gian phải từ 1 đến 62 ngày');
    expect(apiFailText(body('unauthorized', 'wrong_login', {}), 401, 'vi')).toBe('Sai tên đăng nhập hoặc mật khẩu');
    expect(apiFailText(body('conflict', 'user_exists', { userId: 'qa2' }), 409, 'vi')).toBe('Tên đăng nhập qa2 đã có người dùng');
    expect(apiFailText(body('invalid', 'agent_not_free_to_dial', { agentId: 'a1', state: 'break' }), 400, 'vi')).toBe('Điện thoại viên a1 đang ở trạng thái “Nghỉ giải lao”: chỉ gọi được khi sẵn sàng');
  });

  it('given a failure at the hub\'s edge (endpoint, body, credential, the hub out of reach), it is worded in Vietnamese and English', () => {
    const both = (b: ApiErrorBody, status: number) => [apiFailText(b, status, 'vi'), apiFailText(b, status, 'en')];
    expect(both(body('not_found', 'no_such_endpoint', { method: 'GET', path: '/api/v1/x' }), 404)).toEqual([
      'Hub không có chức năng GET /api/v1/x (phiên bản hub và bảng điều khiển có thể không khớp)',
      'The hub has no endpoint GET /api/v1/x (the hub and the console may be different versions)',
    ]);
    expect(both(body('invalid', 'unsupported_media_type', { contentType: 'text/plain' }), 415)).toEqual([
      'Định dạng dữ liệu gửi lên (text/plain) không được hỗ trợ: hãy gửi JSON hoặc NDJSON',
      'The data format sent (text/plain) is not supported: send JSON or NDJSON',
    ]);
    expect(both(body('invalid', 'bad_json', { detail: 'Unexpected end of JSON input' }), 400)).toEqual(['Dữ liệu gửi lên không phải JSON hợp lệ', 'The data sent is not valid JSON']);
    expect(both(body('invalid', 'body_too_large', { limit: '10240' }), 413)).toEqual(['Dữ liệu gửi lên quá lớn (tối đa 10240 byte)', 'The data sent is too large (at most 10240 bytes)']);
    expect(both(body('internal', 'internal_error', {}), 500)).toEqual(['Hub gặp lỗi ngoài dự kiến, vui lòng thử lại sau', 'The hub hit an unexpected error: please try again later']);
    expect(both(body('not_found', 'unknown_line', { queue: 'q9' }), 404)).toEqual(['Không tìm thấy line q9', 'Line q9 was not found']);
    expect(both(body('unavailable', 'hub_unreachable', { detail: 'fetch failed' }), 502)).toEqual([
      'Không kết nối được tới máy chủ tổng đài (hub), vui lòng thử lại sau',
      'Cannot reach the call-center server (hub): please try again later',
    ]);
    expect(both(body('unauthorized', 'credential_expired', {}), 401)).toEqual(['Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại', 'Your session has expired: please sign in again']);
    expect(both(body('unauthorized', 'invalid_credential', { detail: 'jwt malformed' }), 401)).toEqual(['Phiên đăng nhập không hợp lệ, vui lòng đăng nhập lại', 'Your session is not valid: please sign in again']);
    expect(both(body('unauthorized', 'no_credential', {}), 401)).toEqual(['Bạn chưa đăng nhập, vui lòng đăng nhập', 'You are not signed in: please sign in']);
    expect(both(body('unauthorized', 'token_revoked', {}), 401)).toEqual(['Mã truy cập này đã bị thu hồi', 'This token was revoked']);
    expect(apiFailText(body('unauthorized', 'credential_revoked', {}), 401, 'vi')).toBe('Phiên đăng nhập đã bị thu hồi (quản trị viên đã thay đổi tài khoản), vui lòng đăng nhập lại');
    expect(apiFailText(body('internal', 'credential_check_unavailable', {}), 503, 'en')).toBe('Your session cannot be checked right now: please try again');
    // The role in words, the namespace as it is.
    expect(both(body('unauthorized', 'wrong_namespace', { role: 'telephony', namespace: '/telephony' }), 401)).toEqual([
      'Vai trò Tổng đài phải kết nối qua kênh /telephony',
      'The Telephony role must connect through /telephony',
    ]);
  });

  it('a refused socket connection: signing in again by the hub\'s reason (an older hub\'s sentence as fallback), worded like a REST failure', () => {
    const refused = (message: string, data?: unknown) => connectRefusal(Object.assign(new Error(message), data === undefined ? {} : { data }));
    const expired = refused('invalid credential: jwt expired', { reason: 'credential_expired', params: {} });
    expect(expired).toEqual({ signInAgain: true, body: { code: 'unauthorized', message: 'invalid credential: jwt expired', reason: 'credential_expired', params: {} } });
    expect(apiFailText(expired.body, 401, 'vi')).toBe('Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại');
    expect(apiFailText(refused('x', { reason: 'token_revoked', params: {} }).body, 401, 'en')).toBe('This token was revoked');
    const grant = refused('credential refused: u1 has no console access', { reason: 'no_access_grant', params: { userId: 'u1', grant: 'console', request: 'connect /' } });
    expect(grant.signInAgain).toBe(true);
    expect(apiFailText(grant.body, 401, 'vi')).toBe(fill(MESSAGES.vi.af_no_access_grant, { userId: 'u1', grant: MESSAGES.vi.admAccess_console }));
    // The reason decides, not the sentence: Redis away is retried although its message says "revocation".
    expect(refused('credential check down', { reason: 'credential_check_unavailable', params: {} }).signInAgain).toBe(false);
    expect(refused('role or credential?', { reason: 'something_newer', params: {} }).signInAgain).toBe(false);
    // An older hub (no data): its sentence; a transport error: retried, without a reason.
    expect(refused('credential revoked; log in again')).toEqual({ signInAgain: true, body: { code: 'unauthorized', message: 'credential revoked; log in again' } });
    expect(refused('role telephony must use the /telephony namespace').signInAgain).toBe(true);
    expect(refused('websocket error')).toEqual({ signInAgain: false, body: { code: 'unavailable', message: 'websocket error' } });
    expect(refused('websocket error', null).signInAgain).toBe(false);
  });

  it('given a reason this console does not know (a newer hub, or a command\'s), the English message shows', () => {
    expect(apiFailText({ code: 'conflict', message: 'a newer reason', reason: 'teleported' as ApiFailReason, params: {} }, 409, 'vi')).toBe('a newer reason');
    expect(apiFailText({ code: 'not_found', message: 'unknown queue q9', reason: 'unknown_queue' as ApiFailReason, params: { queue: 'q9' } }, 404, 'vi')).toBe('unknown queue q9');
  });

  it('given no reason, the failure is worded by its code: an invalid one lists its fields, not zod\'s English', () => {
    const invalid: ApiErrorBody = { code: 'invalid', message: 'invalid request', details: ['priority: Too big: expected number to be <=10', 'name: Too small: expected string to have >=1 characters', 'priority: Invalid input'] };
    expect(apiFailText(invalid, 400, 'vi')).toBe('Dữ liệu không hợp lệ: priority, name');
    expect(apiFailText(invalid, 400, 'en')).toBe('Invalid data: priority, name');
    expect(apiFailText({ code: 'invalid', message: 'invalid query', details: ['query: bad'] }, 400, 'vi')).toBe('Dữ liệu không hợp lệ');
    expect(apiFailText({ code: 'unavailable', message: 'no redis' }, 503, 'vi')).toBe('Dịch vụ tạm thời không khả dụng, vui lòng thử lại sau');
    // No body (a proxy's answer): by the status; no answer at all: the hub cannot be reached.
    expect(apiFailText(undefined, 502, 'vi')).toBe(MESSAGES.vi.afc_unavailable);
    expect(apiFailText(undefined, 404, 'en')).toBe(MESSAGES.en.afc_not_found);
    expect(apiFailText(undefined, 0, 'vi')).toBe('Không kết nối được với hub');
    expect(detailFields(['routes.2.department: Too small', 'body: Invalid', 'routes.2.department: x'])).toEqual(['routes.2.department']);
  });

  it('given an id the admin router refuses for its characters, the wording names the characters allowed, in Vietnamese and English', () => {
    // The hub's answer (realtime/src/accounts/admin.routes.ts) to a token subject with a space and accents.
    const chars: ApiErrorBody = { code: 'invalid', message: 'invalid request', details: ['subject: use only letters A-Z a-z, digits 0-9 and . _ @ -', 'label: Too big: expected string to have <=200 characters'] };
    expect(apiFailText(chars, 400, 'vi')).toBe('Dữ liệu không hợp lệ: subject (chỉ dùng chữ cái không dấu A–Z a–z, chữ số 0–9 và . _ @ -), label');
    expect(apiFailText(chars, 400, 'en')).toBe('Invalid data: subject (use only letters A–Z a–z (no accents), digits 0–9 and . _ @ -), label');
    expect(fieldProblems(chars.details, 'vi').subject).toBe('Chỉ dùng chữ cái không dấu A–Z a–z, chữ số 0–9 và . _ @ -');
    expect(fieldProblems(chars.details, 'en').subject).toBe('Use only letters A–Z a–z (no accents), digits 0–9 and . _ @ -');
  });

  it('a caught error: an ApiError by its body, a failed fetch as "cannot reach the hub", anything else by its message', () => {
    const e = new ApiError(400, body('invalid', 'root_cause_required', {}));
    expect(e.message).toBe(API_FAIL_EN.root_cause_required);
    expect(errorText(e, 'vi')).toBe(MESSAGES.vi.af_root_cause_required);
    expect(errorText(new TypeError('Failed to fetch'), 'vi')).toBe(MESSAGES.vi.afNetwork);
    expect(errorText(new Error('boom'), 'vi')).toBe('boom');
  });

  it('a failed response becomes an ApiError with the hub\'s body, or one made of the status', async () => {
    const withBody = await apiErrorOf(new Response(JSON.stringify({ error: body('conflict', 'not_assigned', {}) }), { status: 409, statusText: 'Conflict' }));
    expect([withBody.status, withBody.body]).toEqual([409, { code: 'conflict', message: 'not assigned', reason: 'not_assigned', params: {} }]);
    const bare = await apiErrorOf(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect([bare.status, bare.body]).toEqual([502, { code: 'unavailable', message: '502 Bad Gateway' }]);
    expect(errorText(bare, 'en')).toBe(MESSAGES.en.afc_unavailable);
  });

  it('the hub\'s problem with each field is worded beside it: bounds when zod gave one', () => {
    const details = ['target: Too big: expected number to be <=10', 'agents: Too small: expected number to be >=0', 'metric: Too small: expected string to have >=1 characters', 'kind: Invalid option: expected one of "min"|"max"'];
    expect(fieldProblems(details, 'vi')).toEqual({ target: 'Tối đa 10', agents: 'Tối thiểu 0', metric: 'Bắt buộc', kind: 'Giá trị không hợp lệ' });
    expect(fieldProblems(details, 'en')).toEqual({ target: 'At most 10', agents: 'At least 0', metric: 'Required', kind: 'Invalid value' });
  });
});
