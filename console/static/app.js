/*
 * Callboard placeholder console: plain browser JavaScript, no build step, served by the hub at `/`.
 * Login -> (supervisor | admin | team_lead) wallboard, or (agent) desk.
 *
 * Data flow: `snapshot` replaces everything; `delta` merges queues/agents/calls by id, drops
 * `removedCalls`, replaces `site`. Deltas with seq <= the last snapshot's seq are already in it.
 * When no data has arrived for 5 s the page asks for a fresh snapshot (`snapshot:get`): a quiet
 * line is not stale, a hub that does not answer is. The data-age badge shows the time since the
 * hub last proved the figures current.
 */
'use strict';
(() => {
  // ------------------------------------------------------------------------------------- i18n
  const I18N = {
    vi: {
      tagline: 'Bảng điều khiển tổng đài thời gian thực',
      username: 'Tên đăng nhập',
      password: 'Mật khẩu',
      signIn: 'Đăng nhập',
      signingIn: 'Đang đăng nhập…',
      demoTitle: 'Tài khoản demo — mật khẩu <code>demo</code>',
      roleSupervisor: 'giám sát',
      roleAdmin: 'quản trị',
      roleLead: 'trưởng nhóm',
      roleAgent: 'điện thoại viên',
      demoNote: 'Bấm một tài khoản để điền sẵn. Thêm <code>?queues=advice,clinic</code> vào địa chỉ để chọn line hiển thị trên bảng.',
      wallboard: 'Bảng theo dõi',
      agentDesk: 'Bàn làm việc',
      logout: 'Đăng xuất',
      agents: 'Điện thoại viên',
      myState: 'Trạng thái của tôi',
      myToday: 'Hôm nay của tôi',
      myQueues: 'Line của tôi',
      cancel: 'Huỷ',
      reconnecting: 'Mất kết nối với hub — đang kết nối lại…',
      reconnectingN: 'Mất kết nối với hub — đang kết nối lại… (lần thử {n})',
      live: 'Trực tiếp',
      stale: 'Dữ liệu cũ {s}',
      disconnected: 'Mất kết nối',
      connecting: 'Đang kết nối…',
      // figures
      inQueue: 'Đang chờ',
      longestWait: 'Chờ lâu nhất',
      serviceLevel: 'Mức phục vụ',
      abandonRate: 'Bỏ máy',
      asa: 'Chờ TB (ASA)',
      aht: 'Xử lý TB (AHT)',
      asaShort: 'ASA',
      ahtShort: 'AHT',
      offeredAnswered: 'Gọi đến / Trả lời',
      today: 'hôm nay',
      last30: '30 phút qua',
      staffing: 'Nhân sự',
      sAvailable: 'Sẵn sàng',
      sOnCall: 'Đang gọi',
      sWrapup: 'Sau gọi',
      sBreak: 'Nghỉ',
      slOk: 'Đạt',
      slWarn: 'Gần đạt',
      slBad: 'Chưa đạt',
      abOk: 'Thấp',
      abWarn: 'Cao',
      abBad: 'Quá cao',
      slNone: 'Chưa có cuộc gọi',
      target: 'mục tiêu {p} trong {t}',
      todayFigures: 'số liệu trong ngày',
      waitOk: 'Ổn',
      waitWarn: 'Quá {t}',
      waitBad: 'Quá lâu',
      noWaiting: 'không ai chờ',
      open: 'MỞ',
      closed: 'ĐÓNG',
      inbound: 'Gọi vào',
      outbound: 'Gọi ra',
      priority: 'ưu tiên {p}',
      closeLine: 'Đóng line',
      openLine: 'Mở line',
      selection: 'Các line đã chọn',
      wholeSite: 'Toàn tổng đài',
      filter: '{n} line: {list}',
      unknownQueues: 'không có line: {list}',
      noQueues: 'Không có line nào khớp ?queues={q}',
      offlineAgents: 'Ngoại tuyến ({n})',
      noAgents: 'Chưa có điện thoại viên nào trong phạm vi này.',
      confirmCloseTitle: 'Đóng line “{name}”?',
      confirmCloseBody: 'Cuộc gọi mới vào line này sẽ {action}. Có thể mở lại bất cứ lúc nào.',
      confirmOpenTitle: 'Mở lại line “{name}”?',
      confirmOpenBody: 'Line sẽ nhận cuộc gọi mới ngay lập tức.',
      closedReject: 'bị từ chối',
      closedOverflow: 'được chuyển sang line khác',
      closedAnnounce: 'nghe thông báo ngoài giờ',
      ackClosed: 'Đã đóng line {name}',
      ackOpened: 'Đã mở line {name}',
      ackError: 'Không thực hiện được: {msg}',
      notConnected: 'chưa kết nối với hub',
      timeout: 'hub không trả lời',
      // states
      st_available: 'Sẵn sàng',
      st_reserved: 'Đang đổ chuông',
      st_onCall: 'Đang gọi',
      st_wrapup: 'Sau cuộc gọi',
      st_break: 'Nghỉ giải lao',
      st_notReady: 'Chưa sẵn sàng',
      st_offline: 'Ngoại tuyến',
      r_lunch: 'Ăn trưa',
      r_meeting: 'Họp',
      r_training: 'Đào tạo',
      r_coaching: 'Kèm cặp',
      r_technical: 'Sự cố kỹ thuật',
      r_missed: 'Lỡ cuộc gọi',
      r_login: 'Vừa đăng nhập',
      r_disconnected: 'Mất kết nối',
      // desk
      offerTitle: 'Cuộc gọi đến',
      accept: 'Nhận cuộc gọi',
      decline: 'Từ chối',
      expiresIn: 'Tự chuyển người khác sau',
      shortcuts: 'Phím tắt: A — nhận, D — từ chối',
      caller: 'Số gọi',
      queue: 'Line',
      waited: 'Khách đã chờ',
      currentCall: 'Đang trong cuộc gọi',
      talkTime: 'Thời gian gọi',
      endCall: 'Kết thúc cuộc gọi',
      hold: 'Giữ máy',
      resume: 'Tiếp tục',
      onHold: 'ĐANG GIỮ MÁY',
      connectingCall: 'Đang kết nối cuộc gọi…',
      wrapTitle: 'Sau cuộc gọi',
      disposition: 'Kết quả cuộc gọi',
      chooseDisp: '— chọn kết quả —',
      notes: 'Ghi chú',
      notesPh: 'Nội dung chính, hẹn gọi lại…',
      finish: 'Hoàn tất',
      wrapAuto: 'Tự hoàn tất sau',
      wrapExpired: 'Hết thời gian sau cuộc gọi — bạn vẫn có thể lưu kết quả.',
      dismiss: 'Bỏ qua',
      saved: 'Đã lưu kết quả cuộc gọi',
      idleAvailable: 'Đang chờ cuộc gọi. Cuộc gọi mới sẽ đổ chuông tại đây.',
      idleOffline: 'Bạn đang ngoại tuyến. Bấm “Sẵn sàng” để vào line.',
      idleAway: 'Bạn đang ở trạng thái “{state}”. Bấm “Sẵn sàng” khi quay lại.',
      oc_declined: 'Đã từ chối cuộc gọi',
      oc_timeout: 'Hết giờ — cuộc gọi đã chuyển cho người khác',
      oc_disconnected: 'Mất kết nối — cuộc gọi đã chuyển',
      oc_abandoned: 'Khách đã gác máy',
      'oc_answered-elsewhere': 'Cuộc gọi đã được người khác nhận',
      'oc_state-change': 'Cuộc gọi đã được rút lại (chuyển line hoặc đổi trạng thái)',
      handled: 'Đã xử lý',
      occupancy: 'Tỷ lệ bận',
      missedOffers: 'Lỡ cuộc gọi',
      stateChanged: 'Đã chuyển sang “{state}”',
      badLogin: 'Sai tên đăng nhập hoặc mật khẩu.',
      hubDown: 'Không kết nối được với hub ({msg}).',
      noConsoleRole: 'Tài khoản vai trò “{role}” không dùng bảng điều khiển.',
      sessionEnded: 'Phiên đăng nhập không còn hợp lệ: {msg}',
      noAgentLink: 'Tài khoản này không gắn với điện thoại viên nào.',
      role_admin: 'Quản trị',
      role_supervisor: 'Giám sát',
      role_team_lead: 'Trưởng nhóm',
      role_agent: 'Điện thoại viên',
      d_booked: 'Đã đặt lịch',
      d_info: 'Đã tư vấn',
      d_callback: 'Hẹn gọi lại',
      'd_no-need': 'Không có nhu cầu',
      d_escalated: 'Chuyển bác sĩ trực',
      d_complaint: 'Ghi nhận khiếu nại',
      d_resolved: 'Đã giải quyết',
      d_sold: 'Đã bán gói',
      d_completed: 'Hoàn thành khảo sát',
      d_refused: 'Khách từ chối',
      at_customer: 'Khách hàng',
      at_segment: 'Nhóm khách',
      at_vaccine: 'Vắc xin',
      at_branch: 'Cơ sở',
      at_campaign: 'Chiến dịch',
      at_child: 'Bé',
      at_language: 'Ngôn ngữ',
      av_member: 'Hội viên',
      av_vip: 'VIP',
      av_new: 'Khách mới',
      av_regular: 'Khách quen',
    },
    en: {
      tagline: 'Real-time contact-center console',
      username: 'User name',
      password: 'Password',
      signIn: 'Sign in',
      signingIn: 'Signing in…',
      demoTitle: 'Demo logins — password <code>demo</code>',
      roleSupervisor: 'supervisor',
      roleAdmin: 'admin',
      roleLead: 'team leads',
      roleAgent: 'agents',
      demoNote: 'Click a login to fill the form. Add <code>?queues=advice,clinic</code> to the address to choose the lines on the board.',
      wallboard: 'Wallboard',
      agentDesk: 'Agent desk',
      logout: 'Sign out',
      agents: 'Agents',
      myState: 'My state',
      myToday: 'My day',
      myQueues: 'My lines',
      cancel: 'Cancel',
      reconnecting: 'Connection to the hub lost — reconnecting…',
      reconnectingN: 'Connection to the hub lost — reconnecting… (attempt {n})',
      live: 'Live',
      stale: 'Stale {s}',
      disconnected: 'Disconnected',
      connecting: 'Connecting…',
      inQueue: 'In queue',
      longestWait: 'Longest wait',
      serviceLevel: 'Service level',
      abandonRate: 'Abandoned',
      asa: 'Avg answer (ASA)',
      aht: 'Avg handle (AHT)',
      asaShort: 'ASA',
      ahtShort: 'AHT',
      offeredAnswered: 'Offered / answered',
      today: 'today',
      last30: 'last 30 min',
      staffing: 'Staffing',
      sAvailable: 'Available',
      sOnCall: 'On call',
      sWrapup: 'Wrap-up',
      sBreak: 'Break',
      slOk: 'On target',
      slWarn: 'Near',
      slBad: 'Below',
      abOk: 'Low',
      abWarn: 'High',
      abBad: 'Too high',
      slNone: 'No calls yet',
      target: 'target {p} in {t}',
      todayFigures: 'figures for today',
      waitOk: 'OK',
      waitWarn: 'Over {t}',
      waitBad: 'Too long',
      noWaiting: 'nobody waiting',
      open: 'OPEN',
      closed: 'CLOSED',
      inbound: 'Inbound',
      outbound: 'Outbound',
      priority: 'priority {p}',
      closeLine: 'Close line',
      openLine: 'Open line',
      selection: 'Selected lines',
      wholeSite: 'Whole site',
      filter: '{n} lines: {list}',
      unknownQueues: 'unknown: {list}',
      noQueues: 'No line matches ?queues={q}',
      offlineAgents: 'Offline ({n})',
      noAgents: 'No agents in this view yet.',
      confirmCloseTitle: 'Close the line “{name}”?',
      confirmCloseBody: 'New calls to this line will be {action}. You can reopen it at any time.',
      confirmOpenTitle: 'Reopen the line “{name}”?',
      confirmOpenBody: 'The line takes new calls at once.',
      closedReject: 'rejected',
      closedOverflow: 'sent to another line',
      closedAnnounce: 'played the closed announcement',
      ackClosed: 'Line {name} closed',
      ackOpened: 'Line {name} opened',
      ackError: 'Failed: {msg}',
      notConnected: 'not connected to the hub',
      timeout: 'the hub did not answer',
      st_available: 'Available',
      st_reserved: 'Ringing',
      st_onCall: 'On call',
      st_wrapup: 'Wrap-up',
      st_break: 'Break',
      st_notReady: 'Not ready',
      st_offline: 'Offline',
      r_lunch: 'Lunch',
      r_meeting: 'Meeting',
      r_training: 'Training',
      r_coaching: 'Coaching',
      r_technical: 'Technical issue',
      r_missed: 'Missed offers',
      r_login: 'Just logged in',
      r_disconnected: 'Disconnected',
      offerTitle: 'Incoming call',
      accept: 'Accept',
      decline: 'Decline',
      expiresIn: 'Goes to the next agent in',
      shortcuts: 'Shortcuts: A — accept, D — decline',
      caller: 'Caller',
      queue: 'Line',
      waited: 'Caller waited',
      currentCall: 'On a call',
      talkTime: 'Talk time',
      endCall: 'End call',
      hold: 'Hold',
      resume: 'Resume',
      onHold: 'ON HOLD',
      connectingCall: 'Connecting the call…',
      wrapTitle: 'Wrap-up',
      disposition: 'Call outcome',
      chooseDisp: '— choose an outcome —',
      notes: 'Notes',
      notesPh: 'Summary, callback time…',
      finish: 'Finish',
      wrapAuto: 'Finishes by itself in',
      wrapExpired: 'Wrap-up time is over — you can still save the outcome.',
      dismiss: 'Dismiss',
      saved: 'Call outcome saved',
      idleAvailable: 'Waiting for calls. A new call rings here.',
      idleOffline: 'You are offline. Press “Available” to join your lines.',
      idleAway: 'You are on “{state}”. Press “Available” when you are back.',
      oc_declined: 'Call declined',
      oc_timeout: 'Time is up — the call went to another agent',
      oc_disconnected: 'Disconnected — the call went to another agent',
      oc_abandoned: 'The caller hung up',
      'oc_answered-elsewhere': 'Another agent took the call',
      'oc_state-change': 'The offer was withdrawn (moved to another line or a state change)',
      handled: 'Handled',
      occupancy: 'Occupancy',
      missedOffers: 'Missed offers',
      stateChanged: 'Now “{state}”',
      badLogin: 'Wrong user name or password.',
      hubDown: 'Cannot reach the hub ({msg}).',
      noConsoleRole: 'The “{role}” role has no console.',
      sessionEnded: 'Your session is no longer valid: {msg}',
      noAgentLink: 'This login is not linked to an agent.',
      role_admin: 'Admin',
      role_supervisor: 'Supervisor',
      role_team_lead: 'Team lead',
      role_agent: 'Agent',
      d_booked: 'Booked',
      d_info: 'Information given',
      d_callback: 'Call back',
      'd_no-need': 'No need',
      d_escalated: 'Escalated to doctor',
      d_complaint: 'Complaint logged',
      d_resolved: 'Resolved',
      d_sold: 'Package sold',
      d_completed: 'Survey completed',
      d_refused: 'Refused',
      at_customer: 'Customer',
      at_segment: 'Segment',
      at_vaccine: 'Vaccine',
      at_branch: 'Branch',
      at_campaign: 'Campaign',
      at_child: 'Child',
      at_language: 'Language',
      av_member: 'Member',
      av_vip: 'VIP',
      av_new: 'New customer',
      av_regular: 'Regular',
    },
  };

  /** Outcomes offered at wrap-up, per line (the values the simulator and reports use). */
  const DISPOSITIONS = {
    'vaccine-booking': ['booked', 'info', 'callback', 'no-need'],
    advice: ['info', 'booked', 'callback', 'no-need'],
    'after-care': ['info', 'callback', 'escalated', 'complaint'],
    complaints: ['complaint', 'resolved', 'callback'],
    clinic: ['booked', 'info', 'callback'],
    telesales: ['sold', 'callback', 'info', 'no-need'],
    survey: ['completed', 'refused', 'callback'],
  };
  const ALL_DISPOSITIONS = ['booked', 'info', 'callback', 'no-need', 'escalated', 'complaint', 'resolved', 'sold', 'completed', 'refused'];

  const STATE_ORDER = ['reserved', 'onCall', 'wrapup', 'available', 'notReady', 'break', 'offline'];
  const STATE_ICON = { available: '●', reserved: '◔', onCall: '☎', wrapup: '✎', break: '☕', notReady: '■', offline: '○' };
  const STALE_AFTER_MS = 5000;
  /** Quiet time after which the page asks the hub for a fresh snapshot (before the badge turns stale). */
  const HEARTBEAT_MS = 3000;
  /** SL this many points under target is amber ("near"), further under is red. */
  const SL_NEAR_POINTS = 10;
  const ABANDON_WARN_PCT = 5;
  const ABANDON_BAD_PCT = 10;

  let lang = pickLang();

  function pickLang() {
    const q = new URLSearchParams(location.search).get('lang');
    if (q === 'en' || q === 'vi') return q;
    const saved = safeStorage(localStorage, 'get', 'callboard.lang');
    return saved === 'en' ? 'en' : 'vi';
  }
  function locale() {
    return lang === 'en' ? 'en-US' : 'vi-VN';
  }
  function t(key, vars) {
    let s = I18N[lang][key] ?? I18N.vi[key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  }
  function has(key) {
    return key in I18N[lang];
  }
  function safeStorage(store, op, key, value) {
    try {
      if (op === 'get') return store.getItem(key);
      if (op === 'set') store.setItem(key, value);
      if (op === 'del') store.removeItem(key);
    } catch {
      /* private mode: ignore */
    }
    return null;
  }

  // ------------------------------------------------------------------------------ formatting
  const fmtCache = new Map();
  function nf(opts) {
    const key = locale() + JSON.stringify(opts);
    let f = fmtCache.get(key);
    if (!f) {
      f = new Intl.NumberFormat(locale(), opts);
      fmtCache.set(key, f);
    }
    return f;
  }
  const fmt = {
    int: (n) => (n == null ? '—' : nf({ maximumFractionDigits: 0 }).format(n)),
    pct: (p, digits = 0) => (p == null ? '—' : nf({ style: 'percent', maximumFractionDigits: digits }).format(p / 100)),
    pct1: (p) => (p == null ? '—' : nf({ style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(p / 100)),
    sec: (s) => nf({ style: 'unit', unit: 'second', unitDisplay: 'narrow' }).format(Math.round(s)),
    /** m:ss or h:mm:ss */
    dur(sec) {
      if (sec == null || !Number.isFinite(sec)) return '—';
      const s = Math.max(0, Math.floor(sec));
      const h = Math.floor(s / 3600);
      const m = Math.floor((s % 3600) / 60);
      const p2 = nf({ minimumIntegerDigits: 2, useGrouping: false });
      const n = nf({ useGrouping: false });
      return h > 0 ? `${n.format(h)}:${p2.format(m)}:${p2.format(s % 60)}` : `${n.format(m)}:${p2.format(s % 60)}`;
    },
    clock(ms, tz) {
      return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone: tz }).format(ms);
    },
    date(ms, tz) {
      return new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short', timeZone: tz }).format(ms);
    },
  };

  // ------------------------------------------------------------------------------------- DOM
  const $ = (id) => document.getElementById(id);
  /** h('div#id.cls1.cls2', {attr}, ...children): tiny element builder; text goes in as text nodes. */
  function h(spec, attrs, ...children) {
    const [tagId, ...classes] = spec.split('.');
    const [tag, id] = tagId.split('#');
    const el = document.createElement(tag || 'div');
    if (id) el.id = id;
    if (classes.length) el.className = classes.join(' ');
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v == null || v === false) continue;
        if (k === 'text') el.textContent = v;
        else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
        else if (k === 'dataset') Object.assign(el.dataset, v);
        else el.setAttribute(k, v === true ? '' : v);
      }
    }
    for (const c of children.flat()) {
      if (c == null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  function setText(el, text) {
    if (el && el.textContent !== text) el.textContent = text;
  }
  function setClass(el, base, mods) {
    const cls = [base, ...mods.filter(Boolean)].join(' ');
    if (el.className !== cls) el.className = cls;
  }

  function toast(kind, text) {
    const icon = kind === 'ok' ? '✓' : kind === 'err' ? '✕' : 'ℹ';
    const el = h('div.toast.toast-' + kind, { role: kind === 'err' ? 'alert' : 'status' }, h('span.toast-icon', { 'aria-hidden': 'true', text: icon }), h('span', { text }));
    $('toasts').append(el);
    setTimeout(() => el.classList.add('toast-out'), kind === 'err' ? 7000 : 4500);
    setTimeout(() => el.remove(), kind === 'err' ? 7600 : 5100);
  }

  function confirmDialog(title, body, okLabel, danger) {
    const dlg = $('confirm-dialog');
    $('confirm-title').textContent = title;
    $('confirm-body').textContent = body;
    const ok = $('confirm-ok');
    ok.textContent = okLabel;
    ok.className = 'btn ' + (danger ? 'btn-danger' : 'btn-primary');
    return new Promise((resolve) => {
      dlg.returnValue = '';
      dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
      dlg.showModal();
      dlg.querySelector('button[value="cancel"]').focus();
    });
  }

  // ------------------------------------------------------------------------------------ state
  const S = {
    token: null,
    session: null,
    socket: null,
    filterQueues: parseQueuesParam(),
    seq: 0,
    snapshotSeq: -1,
    site: null,
    queues: new Map(),
    agents: new Map(),
    calls: new Map(),
    /** serverNow() = Date.now() + clockOffset (hub clock from snapshot/delta `at`). */
    clockOffset: 0,
    lastDataAt: 0,
    lastSnapshotAt: 0,
    heartbeatInFlight: false,
    lastHeartbeat: 0,
    connected: false,
    attempts: 0,
    offer: null,
    offerSeenAt: 0,
    /** The wrap-up form: { callId, queue, dirty, expired } */
    wrap: null,
    busy: new Set(),
  };

  function parseQueuesParam() {
    const raw = new URLSearchParams(location.search).get('queues');
    return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
  }
  const serverNow = () => Date.now() + S.clockOffset;
  const isBoardRole = (r) => r === 'admin' || r === 'supervisor' || r === 'team_lead';
  const canOpenClose = () => S.session && (S.session.role === 'admin' || S.session.role === 'supervisor');

  function queueName(q) {
    if (!q) return '';
    return lang === 'vi' ? q.nameVi || q.name : q.name || q.nameVi;
  }
  function stateLabel(state, reason) {
    if (state === 'notReady' && reason) return reasonLabel(reason);
    return t('st_' + state);
  }
  function reasonLabel(r) {
    return has('r_' + r) ? t('r_' + r) : r;
  }

  // ---------------------------------------------------------------------------------- views
  function show(view) {
    for (const v of ['login', 'board', 'desk']) $('view-' + v).hidden = v !== view;
    document.body.dataset.view = view;
  }

  function applyStaticI18n() {
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll('[data-i18n]')) {
      const key = el.dataset.i18n;
      const val = t(key);
      // A few strings carry <code>; they are our own constants, never data.
      if (val.includes('<code>')) el.innerHTML = val;
      else el.textContent = val;
    }
    for (const b of document.querySelectorAll('.lang-btn')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    $('login-user').placeholder = 'supervisor';
    $('login-pass').placeholder = 'demo';
  }

  function setLang(l) {
    if (l === lang) return;
    lang = l;
    safeStorage(localStorage, 'set', 'callboard.lang', l);
    applyStaticI18n();
    if (S.session) renderAll(true);
  }

  // ------------------------------------------------------------------------------------ login
  async function login(username, password) {
    const err = $('login-error');
    err.hidden = true;
    const btn = $('login-submit');
    btn.disabled = true;
    btn.textContent = t('signingIn');
    try {
      const res = await fetch('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (res.status === 401 || res.status === 400) throw new Error(t('badLogin'));
      if (!res.ok) throw new Error(t('hubDown', { msg: 'HTTP ' + res.status }));
      const body = await res.json();
      if (!['admin', 'supervisor', 'team_lead', 'agent'].includes(body.session.role)) throw new Error(t('noConsoleRole', { role: body.session.role }));
      if (body.session.role === 'agent' && !body.session.agentId) throw new Error(t('noAgentLink'));
      safeStorage(sessionStorage, 'set', 'callboard.auth', JSON.stringify(body));
      start(body.token, body.session);
    } catch (e) {
      err.textContent = e instanceof TypeError ? t('hubDown', { msg: e.message }) : e.message;
      err.hidden = false;
    } finally {
      btn.disabled = false;
      btn.textContent = t('signIn');
    }
  }

  function logout(message) {
    if (S.socket) {
      S.socket.removeAllListeners();
      S.socket.io.removeAllListeners();
      S.socket.disconnect();
    }
    S.socket = null;
    S.session = null;
    S.token = null;
    S.offer = null;
    S.wrap = null;
    S.site = null;
    S.queues.clear();
    S.agents.clear();
    S.calls.clear();
    S.snapshotSeq = -1;
    safeStorage(sessionStorage, 'del', 'callboard.auth');
    $('reconnect-banner').hidden = true;
    document.title = 'Callboard';
    show('login');
    if (message) {
      $('login-error').textContent = message;
      $('login-error').hidden = false;
    }
  }

  // ----------------------------------------------------------------------------------- socket
  function start(token, session) {
    S.token = token;
    S.session = session;
    S.snapshotSeq = -1;
    S.lastDataAt = 0;
    show(isBoardRole(session.role) ? 'board' : 'desk');
    renderAll(true);
    if (typeof io !== 'function') {
      toast('err', t('hubDown', { msg: 'socket.io.js' }));
      return;
    }
    const auth = { token };
    if (session.role !== 'agent' && S.filterQueues.length) auth.queues = S.filterQueues;
    const socket = io('/', { auth, transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 5000 });
    S.socket = socket;

    socket.on('connect', () => {
      S.connected = true;
      S.attempts = 0;
      $('reconnect-banner').hidden = true;
      document.body.classList.remove('is-offline');
    });
    socket.on('disconnect', (reason) => {
      S.connected = false;
      S.heartbeatInFlight = false;
      showReconnecting();
      // The server closed us on purpose (e.g. a restart): the client does not retry by itself.
      if (reason === 'io server disconnect') setTimeout(() => S.socket === socket && socket.connect(), 1000);
    });
    socket.on('connect_error', (err) => {
      S.connected = false;
      // An error from the hub's auth middleware leaves the socket inactive: the token is no good.
      if (!socket.active) {
        logout(t('sessionEnded', { msg: err.message }));
        return;
      }
      showReconnecting();
    });
    socket.io.on('reconnect_attempt', (n) => {
      S.attempts = n;
      showReconnecting();
    });
    socket.on('session:info', (s) => {
      S.session = s;
      renderHeader();
    });
    socket.on('snapshot', applySnapshot);
    socket.on('delta', applyDelta);
    socket.on('offer:new', (o) => {
      if (!S.session || o.agentId !== S.session.agentId) return;
      S.offer = o;
      S.offerSeenAt = Date.now();
      ring();
      renderDesk();
    });
    socket.on('offer:cancelled', (o) => {
      if (S.offer && S.offer.callId === o.callId) {
        S.offer = null;
        const key = 'oc_' + o.reason;
        if (o.reason !== 'declined') toast(o.reason === 'answered-elsewhere' ? 'info' : 'err', has(key) ? t(key) : o.reason);
        renderDesk();
      }
    });
  }

  function showReconnecting() {
    if (!S.session) return;
    $('reconnect-banner').hidden = false;
    setText($('reconnect-text'), S.attempts > 1 ? t('reconnectingN', { n: S.attempts }) : t('reconnecting'));
    document.body.classList.add('is-offline');
    renderAge();
  }

  function noteServerTime(at) {
    if (typeof at === 'number') S.clockOffset = at - Date.now();
  }

  function applySnapshot(s) {
    noteServerTime(s.at);
    S.seq = s.seq;
    S.snapshotSeq = s.seq;
    S.site = s.site;
    S.queues = new Map(s.queues.map((q) => [q.id, q]));
    S.agents = new Map(s.agents.map((a) => [a.id, a]));
    S.calls = new Map(s.calls.map((c) => [c.id, c]));
    S.lastDataAt = Date.now();
    S.lastSnapshotAt = Date.now();
    renderAll(false);
  }

  function applyDelta(d) {
    S.lastDataAt = Date.now();
    noteServerTime(d.at);
    if (d.seq <= S.snapshotSeq) return; // already in the snapshot we hold
    S.seq = Math.max(S.seq, d.seq);
    if (d.site) S.site = d.site;
    for (const q of d.queues ?? []) S.queues.set(q.id, q);
    for (const a of d.agents ?? []) S.agents.set(a.id, a);
    for (const c of d.calls ?? []) S.calls.set(c.id, c);
    for (const id of d.removedCalls ?? []) S.calls.delete(id);
    renderAll(false);
  }

  /** Asks for a fresh snapshot when the line has been quiet: proves the figures are current. */
  function heartbeat() {
    const sock = S.socket;
    if (!sock || !S.connected || S.heartbeatInFlight) return;
    const now = Date.now();
    const quiet = now - S.lastDataAt > HEARTBEAT_MS;
    // The agent room gets no queue deltas: refresh "my lines" every 10 s.
    const agentRefresh = S.session?.role === 'agent' && now - S.lastSnapshotAt > 10000;
    if (!(quiet || agentRefresh) || now - S.lastHeartbeat < HEARTBEAT_MS) return;
    S.heartbeatInFlight = true;
    S.lastHeartbeat = now;
    sock.timeout(8000).emit('snapshot:get', (err, res) => {
      S.heartbeatInFlight = false;
      if (S.socket !== sock) return;
      if (!err && res && res.ok) applySnapshot(res.data);
    });
  }

  function command(name, payload) {
    return new Promise((resolve) => {
      const sock = S.socket;
      if (!sock || !sock.connected) {
        resolve({ ok: false, error: { code: 'offline', message: t('notConnected') } });
        return;
      }
      sock.timeout(8000).emit(name, payload, (err, res) => {
        if (err) resolve({ ok: false, error: { code: 'timeout', message: t('timeout') } });
        else resolve(res ?? { ok: false, error: { code: 'internal', message: 'no answer' } });
      });
    });
  }

  // ----------------------------------------------------------------------------------- render
  function renderAll(rebuild) {
    if (!S.session) return;
    renderHeader();
    if (isBoardRole(S.session.role)) renderBoard(rebuild);
    else renderDesk(rebuild);
    renderAge();
  }

  function renderHeader() {
    const s = S.session;
    if (!s) return;
    const siteName = S.site?.name ?? 'Callboard';
    if (isBoardRole(s.role)) {
      setText($('board-site'), siteName);
      setText($('board-user'), s.name);
      setText($('board-role'), t('role_' + s.role));
      const f = S.filterQueues;
      let scope = t('wholeSite');
      if (f.length) {
        const known = f.filter((id) => S.queues.has(id));
        const unknown = f.filter((id) => !S.queues.has(id));
        scope = t('filter', { n: fmt.int(known.length), list: known.map((id) => queueName(S.queues.get(id))).join(', ') });
        if (S.site && unknown.length) scope += ` (${t('unknownQueues', { list: unknown.join(', ') })})`;
      }
      setText($('board-filter'), `· ${scope} · ${t('todayFigures')}`);
      if (S.site) setText($('board-date'), fmt.date(serverNow(), S.site.timeZone));
    } else {
      setText($('desk-site'), siteName);
      setText($('desk-user'), `${s.name} (${s.agentId ?? s.userId})`);
    }
  }

  function renderAge() {
    const el = isBoardRole(S.session?.role) ? $('board-age') : $('desk-age');
    if (!el) return;
    let cls;
    let text;
    if (!S.connected) {
      cls = S.lastDataAt ? 'age-bad' : 'age-wait';
      text = (S.lastDataAt ? '✕ ' : '◌ ') + (S.lastDataAt ? t('disconnected') : t('connecting'));
    } else {
      const age = Date.now() - S.lastDataAt;
      if (age <= STALE_AFTER_MS) {
        cls = 'age-live';
        text = '● ' + t('live');
      } else {
        cls = 'age-stale';
        text = '⚠ ' + t('stale', { s: fmt.sec(age / 1000) });
      }
    }
    setClass(el, 'age-badge', [cls]);
    setText(el, text);
  }

  // ----------------------------------------------------------------------------- wallboard
  const tiles = new Map();
  const agentCells = new Map();

  function slStatus(sl, target) {
    if (sl == null) return 'none';
    if (sl >= target) return 'ok';
    if (sl >= target - SL_NEAR_POINTS) return 'warn';
    return 'bad';
  }
  const SL_ICON = { ok: '✓', warn: '▲', bad: '✕', none: '–' };
  const SL_TEXT = { ok: 'slOk', warn: 'slWarn', bad: 'slBad', none: 'slNone' };
  const AB_TEXT = { ok: 'abOk', warn: 'abWarn', bad: 'abBad', none: 'slNone' };
  function abandonStatus(p) {
    if (p == null) return 'none';
    return p >= ABANDON_BAD_PCT ? 'bad' : p >= ABANDON_WARN_PCT ? 'warn' : 'ok';
  }

  function visibleQueues() {
    const qs = [...S.queues.values()];
    if (S.filterQueues.length) {
      const order = new Map(S.filterQueues.map((id, i) => [id, i]));
      return qs.filter((q) => order.has(q.id)).sort((a, b) => order.get(a.id) - order.get(b.id));
    }
    // Inbound lines first (by routing priority), then outbound campaigns.
    return qs.sort((a, b) => (a.direction === b.direction ? a.priority - b.priority : a.direction === 'inbound' ? -1 : 1));
  }

  function renderBoard(rebuild) {
    if (rebuild) {
      $('queue-tiles').replaceChildren();
      $('agent-list').replaceChildren();
      tiles.clear();
      agentCells.clear();
    }
    renderTotals();
    renderTiles();
    renderAgents();
  }

  function median(xs) {
    if (!xs.length) return 80;
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor((s.length - 1) / 2)];
  }

  /** Totals over the whole site (hub figures) or, with ?queues=, over the chosen lines. */
  function totals() {
    const qs = visibleQueues();
    const target = median(qs.map((q) => q.slTargetPct));
    const threshold = median(qs.map((q) => q.slThresholdSec));
    if (!S.filterQueues.length && S.site) {
      const l = S.site.live;
      const notReady = Object.values(l.notReady ?? {}).reduce((a, b) => a + b, 0);
      return {
        scope: t('wholeSite'),
        inQueue: l.inQueue,
        oldest: l.oldestWaitingSince,
        today: S.site.today,
        last30: S.site.last30,
        target,
        threshold,
        available: l.available,
        onCall: l.onCall + l.reserved,
        wrapup: l.wrapup,
        away: l.break + notReady,
      };
    }
    // Client-side sums over the chosen lines: counts add up, averages are weighted.
    const sum = (f) => qs.reduce((a, q) => a + f(q), 0);
    const wavg = (val, w) => {
      const den = sum(w);
      return den > 0 ? qs.reduce((a, q) => a + (val(q) ?? 0) * w(q), 0) / den : null;
    };
    const agg = (win) => {
      const answered = sum((q) => q[win].answered);
      const abandoned = sum((q) => q[win].abandoned);
      const short = sum((q) => q[win].shortAbandoned);
      const offered = sum((q) => q[win].offered);
      const den = answered + abandoned - short;
      return {
        offered,
        answered,
        serviceLevelPct: den > 0 ? (100 * sum((q) => q[win].answeredWithinT)) / den : null,
        abandonRatePct: offered - short > 0 ? (100 * (abandoned - short)) / (offered - short) : null,
        asaSec: wavg((q) => q[win].asaSec, (q) => q[win].answered),
        ahtSec: wavg((q) => q[win].ahtSec, (q) => q[win].handled),
      };
    };
    const oldest = qs.map((q) => q.live.oldestWaitingSince).filter((x) => x != null);
    const agents = [...S.agents.values()];
    const count = (...st) => agents.filter((a) => st.includes(a.state)).length;
    return {
      scope: t('selection'),
      inQueue: sum((q) => q.live.inQueue),
      oldest: oldest.length ? Math.min(...oldest) : null,
      today: agg('today'),
      last30: agg('last30'),
      target,
      threshold,
      available: count('available'),
      onCall: count('onCall', 'reserved'),
      wrapup: count('wrapup'),
      away: count('break', 'notReady'),
    };
  }

  function waitClass(sinceMs, thresholdSec) {
    if (sinceMs == null) return 'none';
    const w = (serverNow() - sinceMs) / 1000;
    return w > 3 * thresholdSec ? 'bad' : w > thresholdSec ? 'warn' : 'ok';
  }

  function kpi(cls, label, value, sub, attrs) {
    return h('div.kpi' + (cls ? '.' + cls : ''), attrs, h('div.kpi-label', { text: label }), h('div.kpi-value', null, value), sub ? h('div.kpi-sub', null, sub) : null);
  }

  function statusLine(status, text) {
    return h('span.status.st-' + status, null, h('span.status-icon', { 'aria-hidden': 'true', text: SL_ICON[status] }), ' ' + text);
  }

  function renderTotals() {
    const root = $('site-totals');
    if (!S.site) {
      root.replaceChildren();
      return;
    }
    const T = totals();
    document.title = `${fmt.int(T.inQueue)} ${t('inQueue').toLowerCase()} — Callboard`;
    const sl = T.today.serviceLevelPct;
    const sls = slStatus(sl, T.target);
    const ab = T.today.abandonRatePct;
    const abs = abandonStatus(ab);
    const wc = waitClass(T.oldest, T.threshold);
    const waitEl = h('span.ticker', { dataset: T.oldest != null ? { since: String(T.oldest), warn: String(T.threshold) } : {} }, T.oldest != null ? fmt.dur((serverNow() - T.oldest) / 1000) : '—');
    root.replaceChildren(
      kpi('kpi-big' + (T.inQueue > 0 ? '.has-wait' : ''), t('inQueue'), fmt.int(T.inQueue)),
      kpi('kpi-big.wait-' + wc, t('longestWait'), waitEl, T.oldest == null ? t('noWaiting') : null),
      h(
        'div.kpi.kpi-big.kpi-sl.sl-' + sls,
        null,
        h('div.kpi-label', { text: t('serviceLevel') }),
        h('div.kpi-sl-row', null, h('div.kpi-value', { text: fmt.pct(sl) }), h('div.kpi-sl-side', null, statusLine(sls, t(SL_TEXT[sls])), h('div.muted', { text: t('target', { p: fmt.pct(T.target), t: fmt.sec(T.threshold) }) }), h('div.muted', { text: `${t('last30')}: ${fmt.pct(T.last30.serviceLevelPct)}` }))),
      ),
      kpi('kpi-mid.sl-' + abs, t('abandonRate'), fmt.pct1(ab), ab == null ? null : statusLine(abs, t(AB_TEXT[abs]))),
      kpi('kpi-mid', t('asa'), fmt.dur(T.today.asaSec), h('span.muted', { text: `${t('last30')}: ${fmt.dur(T.last30.asaSec)}` })),
      kpi('kpi-mid', t('aht'), fmt.dur(T.today.ahtSec), h('span.muted', { text: `${t('last30')}: ${fmt.dur(T.last30.ahtSec)}` })),
      kpi('kpi-mid', t('offeredAnswered'), `${fmt.int(T.today.offered)} / ${fmt.int(T.today.answered)}`),
      h(
        'div.kpi.kpi-staff',
        null,
        h('div.kpi-label', { text: t('staffing') }),
        h(
          'div.staff-row',
          null,
          staffCount('available', T.available, t('sAvailable')),
          staffCount('onCall', T.onCall, t('sOnCall')),
          staffCount('wrapup', T.wrapup, t('sWrapup')),
          staffCount('break', T.away, t('sBreak')),
        ),
      ),
    );
  }

  function staffCount(state, n, label) {
    return h('div.staff.s-' + state, { title: label }, h('span.staff-n', null, h('span.staff-icon', { 'aria-hidden': 'true', text: STATE_ICON[state] }), fmt.int(n)), h('span.staff-l', { text: label }));
  }

  function buildTile(q) {
    const f = {};
    const mk = (name, spec, attrs, ...kids) => (f[name] = h(spec, attrs, ...kids));
    const el = h(
      'article.tile',
      { dataset: { queue: q.id } },
      mk('inner', 'div.tile-inner'),
    );
    f.inner.append(
      h('header.tile-head', null, mk('name', 'h3.tile-name'), mk('badge', 'span.badge')),
      h('div.tile-meta-row', null, mk('meta', 'div.tile-meta'), mk('actions', 'div.tile-actions')),
      h(
        'div.tile-main',
        null,
        h('div.tile-fig', null, mk('inQueueL', 'div.fig-label'), mk('inQueue', 'div.fig-value.fig-xl')),
        mk('waitBox', 'div.tile-fig', null, mk('waitL', 'div.fig-label'), mk('wait', 'div.fig-value.fig-lg.ticker'), mk('waitS', 'div.fig-sub')),
      ),
      mk(
        'slBox',
        'div.tile-sl',
        null,
        mk('slL', 'div.fig-label'),
        h('div.sl-row', null, mk('sl', 'div.fig-value.fig-lg'), mk('slStatus', 'div.sl-status')),
        h('div.sl-bar', null, mk('slFill', 'div.sl-fill'), mk('slMark', 'div.sl-mark')),
        mk('slTarget', 'div.fig-target'),
        mk('sl30', 'div.fig-target'),
      ),
      h(
        'div.tile-small',
        null,
        mk('abBox', 'div.small-fig', null, mk('abL', 'div.fig-label'), mk('ab', 'div.small-value')),
        h('div.small-fig', null, mk('asaL', 'div.fig-label'), mk('asa', 'div.small-value')),
        h('div.small-fig', null, mk('ahtL', 'div.fig-label'), mk('aht', 'div.small-value')),
      ),
      mk('staff', 'div.tile-staff'),
    );
    f.btn = h('button.btn.btn-sm.btn-outline', { type: 'button', on: { click: () => toggleQueue(q.id) } });
    f.actions.append(f.btn);
    return { el, f };
  }

  function renderTiles() {
    const root = $('queue-tiles');
    const qs = visibleQueues();
    if (S.site && qs.length === 0 && S.filterQueues.length) {
      root.replaceChildren(h('div.empty', { text: t('noQueues', { q: S.filterQueues.join(',') }) }));
      tiles.clear();
      return;
    }
    const seen = new Set();
    let prev = null;
    for (const q of qs) {
      seen.add(q.id);
      let tile = tiles.get(q.id);
      if (!tile) {
        tile = buildTile(q);
        tiles.set(q.id, tile);
      }
      updateTile(tile, q);
      const want = prev ? prev.nextSibling : root.firstChild;
      if (want !== tile.el) root.insertBefore(tile.el, want);
      prev = tile.el;
    }
    for (const [id, tile] of tiles) {
      if (!seen.has(id)) {
        tile.el.remove();
        tiles.delete(id);
      }
    }
    for (const n of [...root.children]) if (!n.classList.contains('tile')) n.remove();
  }

  function updateTile(tile, q) {
    const { f } = tile;
    const L = q.live;
    const sl = q.today.serviceLevelPct;
    const sls = slStatus(sl, q.slTargetPct);
    const ab = q.today.abandonRatePct;
    const abs = abandonStatus(ab);
    const wc = q.open ? waitClass(L.oldestWaitingSince, q.slThresholdSec) : 'none';
    const worst = !q.open ? 'closed' : [sls, wc, abs].includes('bad') ? 'bad' : [sls, wc, abs].includes('warn') ? 'warn' : 'ok';
    setClass(tile.el, 'tile', ['tile-' + worst, q.direction === 'outbound' && 'tile-out']);
    setText(f.name, queueName(q));
    f.name.title = `${q.name} (${q.id})`;
    setClass(f.badge, 'badge', [q.open ? 'badge-open' : 'badge-closed']);
    setText(f.badge, (q.open ? '● ' : '■ ') + t(q.open ? 'open' : 'closed'));
    setText(f.meta, `${t(q.direction)} · ${t('priority', { p: q.priority })}`);

    setText(f.inQueueL, t('inQueue'));
    setText(f.inQueue, fmt.int(L.inQueue));
    f.inQueue.classList.toggle('has-wait', L.inQueue > 0);

    setText(f.waitL, t('longestWait'));
    if (L.oldestWaitingSince != null) {
      f.wait.dataset.since = String(L.oldestWaitingSince);
      f.wait.dataset.warn = String(q.slThresholdSec);
      setText(f.wait, fmt.dur((serverNow() - L.oldestWaitingSince) / 1000));
    } else {
      delete f.wait.dataset.since;
      setText(f.wait, '—');
    }
    setClass(f.waitBox, 'tile-fig', ['wait-' + wc]);
    setText(f.waitS, waitSubText(wc, q.slThresholdSec, L.oldestWaitingSince));

    setText(f.slL, t('serviceLevel'));
    setText(f.slTarget, t('target', { p: fmt.pct(q.slTargetPct), t: fmt.sec(q.slThresholdSec) }));
    setText(f.sl, fmt.pct(sl));
    setClass(f.slBox, 'tile-sl', ['sl-' + sls]);
    f.slStatus.replaceChildren(statusLine(sls, t(SL_TEXT[sls])));
    f.slFill.style.width = `${Math.max(0, Math.min(100, sl ?? 0))}%`;
    f.slMark.style.left = `${q.slTargetPct}%`;
    setText(f.sl30, `${t('last30')}: ${fmt.pct(q.last30.serviceLevelPct)}`);

    setText(f.abL, t('abandonRate'));
    setText(f.ab, (abs === 'bad' ? '✕ ' : abs === 'warn' ? '▲ ' : '') + fmt.pct1(ab));
    f.abBox.title = ab == null ? '' : t(AB_TEXT[abs]);
    setClass(f.abBox, 'small-fig', ['sl-' + abs]);
    setText(f.asaL, t('asaShort'));
    setText(f.asa, fmt.dur(q.today.asaSec));
    setText(f.ahtL, t('ahtShort'));
    setText(f.aht, fmt.dur(q.today.ahtSec));

    const away = L.break + Object.values(L.notReady ?? {}).reduce((a, b) => a + b, 0);
    f.staff.replaceChildren(
      staffCount('available', L.available, t('sAvailable')),
      staffCount('onCall', L.onCall + L.reserved, t('sOnCall')),
      staffCount('wrapup', L.wrapup, t('sWrapup')),
      staffCount('break', away, t('sBreak')),
    );

    f.actions.hidden = !canOpenClose();
    setText(f.btn, q.open ? '■ ' + t('closeLine') : '● ' + t('openLine'));
    f.btn.disabled = S.busy.has(q.id) || !S.connected;
  }

  function waitSubText(wc, thresholdSec, since) {
    if (since == null) return t('noWaiting');
    if (wc === 'bad') return '✕ ' + t('waitBad');
    if (wc === 'warn') return '▲ ' + t('waitWarn', { t: fmt.sec(thresholdSec) });
    return '✓ ' + t('waitOk');
  }

  async function toggleQueue(id) {
    const q = S.queues.get(id);
    if (!q || S.busy.has(id)) return;
    const name = queueName(q);
    const open = !q.open;
    const action = t(q.closedAction === 'overflow' ? 'closedOverflow' : q.closedAction === 'announce' ? 'closedAnnounce' : 'closedReject');
    const ok = await confirmDialog(
      t(open ? 'confirmOpenTitle' : 'confirmCloseTitle', { name }),
      open ? t('confirmOpenBody') : t('confirmCloseBody', { action }),
      t(open ? 'openLine' : 'closeLine'),
      !open,
    );
    if (!ok) return;
    S.busy.add(id);
    renderTiles();
    const res = await command('queue:setOpen', { queue: id, open });
    S.busy.delete(id);
    if (res.ok) toast('ok', `${t(open ? 'ackOpened' : 'ackClosed', { name })} (seq ${fmt.int(res.data.seq)})`);
    else toast('err', t('ackError', { msg: `${res.error.message} [${res.error.code}]` }));
    renderTiles();
  }

  function renderAgents() {
    const root = $('agent-list');
    const legend = $('agent-legend');
    const agents = [...S.agents.values()];
    const byState = (a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || a.id.localeCompare(b.id);
    const online = agents.filter((a) => a.state !== 'offline').sort(byState);
    const offline = agents.filter((a) => a.state === 'offline').sort(byState);

    // Legend doubles as a count per state.
    const counts = {};
    for (const a of agents) counts[a.state] = (counts[a.state] ?? 0) + 1;
    legend.replaceChildren(
      ...STATE_ORDER.filter((s) => counts[s]).map((s) =>
        h('span.legend-item.a-' + s, null, h('span.legend-icon', { 'aria-hidden': 'true', text: STATE_ICON[s] }), `${t('st_' + s)} ${fmt.int(counts[s])}`),
      ),
    );

    const seen = new Set();
    let prev = null;
    const place = (el) => {
      const want = prev ? prev.nextSibling : root.firstChild;
      if (want !== el) root.insertBefore(el, want);
      prev = el;
    };
    for (const a of online) {
      seen.add(a.id);
      let cell = agentCells.get(a.id);
      if (!cell) {
        cell = buildAgentCell();
        agentCells.set(a.id, cell);
      }
      updateAgentCell(cell, a);
      place(cell.el);
    }
    for (const [id, cell] of agentCells) {
      if (!seen.has(id)) {
        cell.el.remove();
        agentCells.delete(id);
      }
    }
    let off = root.querySelector('.agent-offline-sum');
    if (offline.length) {
      if (!off) off = h('div.agent-offline-sum');
      off.replaceChildren(
        h('div.off-title', null, h('span', { 'aria-hidden': 'true', text: '○ ' }), t('offlineAgents', { n: fmt.int(offline.length) })),
        h('div.off-names', { text: offline.map((a) => a.name).join(' · ') }),
      );
      place(off);
    } else if (off) off.remove();
    let empty = root.querySelector('.empty');
    if (!agents.length && S.site) {
      if (!empty) root.append(h('div.empty', { text: t('noAgents') }));
    } else if (empty) empty.remove();
  }

  function buildAgentCell() {
    const f = {};
    const mk = (name, spec, attrs, ...kids) => (f[name] = h(spec, attrs, ...kids));
    const el = h(
      'div.agent',
      null,
      mk('icon', 'span.agent-icon', { 'aria-hidden': 'true' }),
      h('div.agent-body', null, mk('name', 'div.agent-name'), h('div.agent-line', null, mk('state', 'span.agent-state'), mk('time', 'span.agent-time.ticker'))),
    );
    return { el, f };
  }

  function updateAgentCell(cell, a) {
    const { f } = cell;
    const long = a.state !== 'available' && a.state !== 'onCall' ? longStateClass(a) : '';
    setClass(cell.el, 'agent', ['a-' + a.state, long]);
    setText(f.icon, STATE_ICON[a.state] ?? '•');
    setText(f.name, a.name);
    let label = t('st_' + a.state);
    if (a.state === 'notReady' && a.reason) label = reasonLabel(a.reason);
    else if (a.reason) label += ` · ${reasonLabel(a.reason)}`;
    setText(f.state, label);
    // The line being served is detail for a closer look, not for across the room.
    const call = a.callId ? S.calls.get(a.callId) : null;
    const qn = call ? ` · ${queueName(S.queues.get(call.queue)) || call.queue}` : '';
    cell.el.title = `${a.name} (${a.id}) — ${label}${qn}`;
    f.time.dataset.since = String(a.since);
    setText(f.time, fmt.dur((serverNow() - a.since) / 1000));
  }

  /** Breaks and not-ready longer than 15 min, wrap-up longer than 2 min, get flagged. */
  function longStateClass(a) {
    const sec = (serverNow() - a.since) / 1000;
    if ((a.state === 'break' || a.state === 'notReady') && sec > 900) return 'a-long';
    if (a.state === 'wrapup' && sec > 120) return 'a-long';
    return '';
  }

  // ------------------------------------------------------------------------------ agent desk
  function me() {
    return S.session?.agentId ? S.agents.get(S.session.agentId) : undefined;
  }

  function stateButtons() {
    const reasons = S.site?.notReadyReasons ?? ['lunch', 'meeting', 'training'];
    return [
      { key: 'available', state: 'available', label: t('st_available'), icon: STATE_ICON.available, cls: 'sb-available' },
      { key: 'break', state: 'break', label: t('st_break'), icon: STATE_ICON.break, cls: 'sb-break' },
      ...reasons.map((r) => ({ key: 'nr:' + r, state: r, label: reasonLabel(r), icon: STATE_ICON.notReady, cls: 'sb-notReady' })),
      { key: 'offline', state: 'offline', label: t('st_offline'), icon: STATE_ICON.offline, cls: 'sb-offline' },
    ];
  }
  function currentKey(a) {
    if (!a) return '';
    if (a.state === 'notReady') return 'nr:' + (a.reason ?? '');
    return a.state;
  }

  let deskBuiltFor = '';
  function renderDesk(rebuild) {
    if (!S.session || S.session.role !== 'agent') return;
    const a = me();
    const sig = lang + '|' + (S.site?.notReadyReasons ?? []).join(',');
    if (rebuild || sig !== deskBuiltFor) {
      deskBuiltFor = sig;
      $('state-buttons').replaceChildren(
        ...stateButtons().map((b) =>
          h(
            'button.btn.state-btn.' + b.cls,
            { type: 'button', dataset: { key: b.key, state: b.state }, on: { click: () => setMyState(b) } },
            h('span.sb-icon', { 'aria-hidden': 'true', text: b.icon }),
            h('span', { text: b.label }),
          ),
        ),
      );
      if (S.wrap) S.wrap.el = null;
    }
    // State pill
    const pill = $('desk-state');
    if (a) {
      setClass(pill, 'state-pill big', ['a-' + a.state]);
      pill.replaceChildren(h('span', { 'aria-hidden': 'true', text: (STATE_ICON[a.state] ?? '•') + ' ' }), stateLabel(a.state, a.reason));
      const tm = $('desk-state-time');
      tm.dataset.since = String(a.since);
      tm.classList.add('ticker');
      setText(tm, fmt.dur((serverNow() - a.since) / 1000));
    }
    const cur = currentKey(a);
    const locked = !a || a.state === 'onCall' || a.state === 'reserved' || !!a.callId;
    for (const b of $('state-buttons').children) {
      const active = b.dataset.key === cur;
      b.classList.toggle('active', active);
      b.setAttribute('aria-pressed', String(active));
      b.disabled = locked || active || S.busy.has('state') || !S.connected;
    }

    // Offer: drop it when the hub says the agent no longer has it (after a short grace for ordering).
    if (S.offer && a && a.offerCallId !== S.offer.callId && Date.now() - S.offerSeenAt > 1500) S.offer = null;
    if (S.offer && S.offer.expiresAt < serverNow() - 1500) S.offer = null;
    renderOffer();
    const call = a?.callId ? S.calls.get(a.callId) : undefined;
    renderCall(a, call);
    renderWrap(a);
    renderIdle(a, call);
    renderMyStats(a);
    renderMyQueues(a);
    document.title = S.offer ? `☎ ${t('offerTitle')} — Callboard` : a ? `${stateLabel(a.state, a.reason)} — Callboard` : 'Callboard';
  }

  async function setMyState(b) {
    S.busy.add('state');
    renderDesk();
    const payload = { state: b.state };
    const res = await command('agent:setState', payload);
    S.busy.delete('state');
    if (res.ok) toast('ok', t('stateChanged', { state: b.label }));
    else toast('err', t('ackError', { msg: res.error.message }));
    renderDesk();
  }

  let offerBuiltFor = null;
  function renderOffer() {
    const card = $('offer-card');
    const o = S.offer;
    card.hidden = !o;
    if (!o) {
      offerBuiltFor = null;
      return;
    }
    if (offerBuiltFor === o.callId + lang) return;
    offerBuiltFor = o.callId + lang;
    const q = S.queues.get(o.queue);
    const total = Math.max(1, o.expiresAt - o.offeredAt);
    const attrs = Object.entries(o.attributes ?? {});
    card.replaceChildren(
      h('div.offer-head', null, h('span.ring-icon', { 'aria-hidden': 'true', text: '☎' }), h('h2', { text: t('offerTitle') }), h('span.offer-queue', { text: (q ? queueName(q) : o.queueName) || o.queue })),
      h(
        'dl.facts',
        null,
        h('dt', { text: t('caller') }),
        h('dd.fact-big', { text: o.from ?? '—' }),
        h('dt', { text: t('waited') }),
        h('dd', null, h('span.ticker', { dataset: { since: String(o.offeredAt) } }, fmt.dur((serverNow() - o.offeredAt) / 1000))),
        ...attrFacts(attrs),
      ),
      h(
        'div.countdown',
        null,
        h('div.countdown-label', null, t('expiresIn') + ' ', h('b.countdown-n', { dataset: { until: String(o.expiresAt), fmt: 'sec' } }, fmt.sec(Math.max(0, (o.expiresAt - serverNow()) / 1000)))),
        h('div.countdown-bar', null, h('div.countdown-fill', { dataset: { untilBar: String(o.expiresAt), total: String(total) } })),
      ),
      h(
        'div.offer-actions',
        null,
        h('button.btn.btn-accept', { type: 'button', on: { click: () => answerOffer(true) } }, h('span', { 'aria-hidden': 'true', text: '✓ ' }), t('accept')),
        h('button.btn.btn-decline', { type: 'button', on: { click: () => answerOffer(false) } }, h('span', { 'aria-hidden': 'true', text: '✕ ' }), t('decline')),
      ),
      h('p.shortcuts', { text: t('shortcuts') }),
    );
    tick();
  }

  /** Call attributes from the phone system, with known keys in the reader's language. */
  function attrFacts(attrs) {
    return attrs.flatMap(([k, v]) => [h('dt', { text: has('at_' + k) ? t('at_' + k) : k }), h('dd', { text: has('av_' + v) ? t('av_' + v) : v })]);
  }

  async function answerOffer(accept) {
    const o = S.offer;
    if (!o || S.busy.has('offer')) return;
    S.busy.add('offer');
    for (const b of $('offer-card').querySelectorAll('button')) b.disabled = true;
    const res = await command(accept ? 'offer:accept' : 'offer:decline', { callId: o.callId });
    S.busy.delete('offer');
    if (S.offer?.callId === o.callId) S.offer = null;
    if (res.ok) {
      if (!accept) toast('info', t('oc_declined'));
    } else toast('err', t('ackError', { msg: res.error.message }));
    renderDesk();
  }

  let callBuiltFor = '';
  function renderCall(a, call) {
    const card = $('call-card');
    const active = a && (a.state === 'onCall' || (a.callId && a.state !== 'wrapup'));
    card.hidden = !active;
    if (!active) {
      callBuiltFor = '';
      return;
    }
    const sig = `${a.callId}|${call?.status}|${call?.answeredAt}|${lang}|${S.busy.has('call')}`;
    if (sig === callBuiltFor) return;
    callBuiltFor = sig;
    if (!call) {
      card.replaceChildren(h('h2', { text: t('connectingCall') }));
      return;
    }
    const q = S.queues.get(call.queue);
    const held = call.status === 'held';
    const started = call.answeredAt ?? a.since;
    const attrs = Object.entries(call.attributes ?? {});
    card.replaceChildren(
      h('div.call-head', null, h('span.call-icon', { 'aria-hidden': 'true', text: '☎' }), h('h2', { text: t('currentCall') }), h('span.offer-queue', { text: queueName(q) || call.queue }), held ? h('span.hold-badge', { text: '❚❚ ' + t('onHold') }) : null),
      h(
        'div.call-body',
        null,
        h('div.talk', null, h('div.fig-label', { text: t('talkTime') }), h('div.talk-time.ticker', { dataset: { since: String(started) } }, fmt.dur((serverNow() - started) / 1000))),
        h(
          'dl.facts',
          null,
          h('dt', { text: t('caller') }),
          h('dd.fact-big', { text: call.from ?? '—' }),
          h('dt', { text: t('waited') }),
          h('dd', { text: call.answeredAt ? fmt.dur((call.answeredAt - call.enteredQueueAt) / 1000) : '—' }),
          ...attrFacts(attrs),
        ),
      ),
      h(
        'div.call-actions',
        null,
        h('button.btn.btn-outline', { type: 'button', disabled: S.busy.has('call'), on: { click: () => holdCall(call.id, !held) } }, held ? '▶ ' + t('resume') : '❚❚ ' + t('hold')),
        h('button.btn.btn-decline', { type: 'button', disabled: S.busy.has('call'), on: { click: () => endCall(call.id) } }, h('span', { 'aria-hidden': 'true', text: '✕ ' }), t('endCall')),
      ),
    );
  }

  async function endCall(callId) {
    S.busy.add('call');
    callBuiltFor = '';
    renderDesk();
    const res = await command('call:end', { callId });
    S.busy.delete('call');
    callBuiltFor = '';
    if (!res.ok) toast('err', t('ackError', { msg: res.error.message }));
    renderDesk();
  }
  async function holdCall(callId, on) {
    S.busy.add('call');
    callBuiltFor = '';
    renderDesk();
    const res = await command('call:hold', { callId, on });
    S.busy.delete('call');
    callBuiltFor = '';
    if (!res.ok) toast('err', t('ackError', { msg: res.error.message }));
    renderDesk();
  }

  /**
   * The wrap-up form lives from the moment the agent enters wrap-up until Finish or Dismiss. If the
   * hub ends wrap-up on its own while the agent is typing, the form stays so the notes are not lost
   * (the outcome can still be recorded against the call).
   */
  function renderWrap(a) {
    const card = $('wrap-card');
    if (a && a.state === 'wrapup') {
      const call = [...S.calls.values()].find((c) => c.agentId === a.id && c.status === 'wrapup');
      const callId = call?.id ?? S.wrap?.callId;
      if (!S.wrap || (callId && S.wrap.callId !== callId)) S.wrap = { callId, queue: call?.queue, since: a.since, dirty: false, expired: false, el: null };
      else {
        S.wrap.since = a.since;
        S.wrap.expired = false;
        if (!S.wrap.callId && callId) S.wrap.callId = callId;
        if (!S.wrap.queue && call) S.wrap.queue = call.queue;
      }
    } else if (S.wrap && !S.wrap.submitting) {
      if (!S.wrap.dirty) {
        S.wrap = null;
      } else if (a && !S.wrap.expired) S.wrap.expired = true;
    }
    const w = S.wrap;
    card.hidden = !w;
    if (!w) return;
    if (!w.el || w.lang !== lang) buildWrapForm(card, w);
    const q = S.queues.get(w.queue);
    const until = q && !w.expired ? w.since + q.wrapupSec * 1000 : null;
    const auto = card.querySelector('.wrap-auto');
    auto.hidden = !until;
    if (until) auto.querySelector('b').dataset.until = String(until);
    card.querySelector('.wrap-expired').hidden = !w.expired;
    card.querySelector('.wrap-dismiss').hidden = !w.expired;
    card.querySelector('.wrap-finish').disabled = !!w.submitting || !S.connected;
  }

  function buildWrapForm(card, w) {
    const q = S.queues.get(w.queue);
    const opts = DISPOSITIONS[w.queue] ?? ALL_DISPOSITIONS;
    const prevDisp = card.querySelector('select')?.value ?? '';
    const prevNotes = card.querySelector('textarea')?.value ?? '';
    const sel = h('select#wrap-disp', { name: 'disposition' }, h('option', { value: '', text: t('chooseDisp') }), ...opts.map((d) => h('option', { value: d, text: has('d_' + d) ? t('d_' + d) : d })));
    sel.value = prevDisp;
    const notes = h('textarea#wrap-notes', { name: 'notes', rows: '3', maxlength: '4000', placeholder: t('notesPh') });
    notes.value = prevNotes;
    const markDirty = () => {
      w.dirty = true;
    };
    sel.addEventListener('change', markDirty);
    notes.addEventListener('input', markDirty);
    const form = h(
      'form.wrap-form',
      { on: { submit: (e) => (e.preventDefault(), finishWrap()) } },
      h('div.wrap-head', null, h('span.call-icon', { 'aria-hidden': 'true', text: '✎' }), h('h2', { text: t('wrapTitle') }), h('span.offer-queue', { text: q ? queueName(q) : w.queue ?? '' }), h('span.wrap-auto', null, t('wrapAuto') + ' ', h('b.ticker', { dataset: { fmt: 'sec' } }))),
      h('p.wrap-expired', { text: t('wrapExpired'), hidden: true }),
      h('label', { for: 'wrap-disp', text: t('disposition') }),
      sel,
      h('label', { for: 'wrap-notes', text: t('notes') }),
      notes,
      h(
        'div.wrap-actions',
        null,
        h('button.btn.btn-ghost.wrap-dismiss', { type: 'button', hidden: true, on: { click: () => ((S.wrap = null), renderDesk()) } }, t('dismiss')),
        h('button.btn.btn-primary.wrap-finish', { type: 'submit' }, h('span', { 'aria-hidden': 'true', text: '✓ ' }), t('finish')),
      ),
    );
    card.replaceChildren(form);
    w.el = form;
    w.lang = lang;
  }

  async function finishWrap() {
    const w = S.wrap;
    if (!w || w.submitting) return;
    const disposition = $('wrap-disp').value;
    const notes = $('wrap-notes').value.trim();
    const payload = {};
    if (w.callId) payload.callId = w.callId;
    if (disposition) payload.disposition = disposition;
    if (notes) payload.notes = notes;
    w.submitting = true;
    renderDesk();
    const res = await command('wrapup:finish', payload);
    w.submitting = false;
    if (res.ok) {
      if (S.wrap === w) S.wrap = null;
      toast('ok', t('saved'));
    } else toast('err', t('ackError', { msg: res.error.message }));
    renderDesk();
  }

  function renderIdle(a, call) {
    const card = $('idle-card');
    const busy = !!S.offer || (a && (a.state === 'onCall' || a.callId)) || !!S.wrap;
    card.hidden = !!busy;
    if (busy || !a) return;
    let text;
    let icon;
    if (a.state === 'available') {
      text = t('idleAvailable');
      icon = '●';
    } else if (a.state === 'offline') {
      text = t('idleOffline');
      icon = '○';
    } else {
      text = t('idleAway', { state: stateLabel(a.state, a.reason) });
      icon = STATE_ICON[a.state] ?? '■';
    }
    const key = a.state + '|' + a.reason + '|' + lang;
    if (card.dataset.key === key) return;
    card.dataset.key = key;
    setClass(card, 'card idle-card', ['a-' + a.state]);
    card.replaceChildren(h('div.idle-icon', { 'aria-hidden': 'true', text: icon }), h('p.idle-text', { text }));
  }

  function renderMyStats(a) {
    const root = $('my-stats');
    if (!a) {
      root.replaceChildren();
      return;
    }
    const d = a.today;
    const stat = (label, value, cls) => h('div.mini' + (cls ? '.' + cls : ''), null, h('div.mini-value', { text: value }), h('div.mini-label', { text: label }));
    root.replaceChildren(
      stat(t('handled'), fmt.int(d.handled)),
      stat(t('ahtShort'), fmt.dur(d.ahtSec)),
      stat(t('occupancy'), fmt.pct(d.occupancyPct)),
      stat(t('missedOffers'), fmt.int(d.missedOffers), d.missedOffers > 0 ? 'warn' : ''),
    );
  }

  function renderMyQueues(a) {
    const root = $('my-queues');
    if (!a) {
      root.replaceChildren();
      return;
    }
    root.replaceChildren(
      ...a.queues
        .map((id) => S.queues.get(id))
        .filter(Boolean)
        .map((q) => {
          const since = q.live.oldestWaitingSince;
          const wc = waitClass(since, q.slThresholdSec);
          return h(
            'div.myq' + (q.open ? '' : '.myq-closed'),
            null,
            h('div.myq-name', null, h('span', { text: queueName(q) }), h('span.badge.' + (q.open ? 'badge-open' : 'badge-closed'), { text: (q.open ? '● ' : '■ ') + t(q.open ? 'open' : 'closed') })),
            h(
              'div.myq-figs',
              null,
              h('span', null, h('b', { text: fmt.int(q.live.inQueue) }), ' ' + t('inQueue').toLowerCase()),
              h(
                'span.wait-' + wc,
                null,
                t('longestWait').toLowerCase() + ' ',
                h('b.ticker', { dataset: since != null ? { since: String(since) } : {} }, since != null ? fmt.dur((serverNow() - since) / 1000) : '—'),
              ),
            ),
          );
        }),
    );
  }

  // ------------------------------------------------------------------------------------ ticker
  let ringCtx = null;
  function ring() {
    try {
      ringCtx ??= new AudioContext();
      const ctx = ringCtx;
      const t0 = ctx.currentTime;
      for (const [i, f] of [
        [0, 880],
        [0.18, 660],
      ]) {
        const o = ctx.createOscillator();
        const g = ctx.createGain();
        o.frequency.value = f;
        g.gain.setValueAtTime(0.0001, t0 + i);
        g.gain.exponentialRampToValueAtTime(0.15, t0 + i + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t0 + i + 0.16);
        o.connect(g).connect(ctx.destination);
        o.start(t0 + i);
        o.stop(t0 + i + 0.18);
      }
    } catch {
      /* no audio: the card is enough */
    }
  }

  function tick() {
    if (!S.session) return;
    const now = serverNow();
    for (const el of document.querySelectorAll('[data-since]')) {
      const since = Number(el.dataset.since);
      const sec = (now - since) / 1000;
      setText(el, fmt.dur(sec));
      if (el.dataset.warn) {
        const th = Number(el.dataset.warn);
        const box = el.closest('.tile-fig, .kpi');
        if (box) {
          const wc = sec > 3 * th ? 'bad' : sec > th ? 'warn' : 'ok';
          for (const c of ['ok', 'warn', 'bad', 'none']) box.classList.toggle('wait-' + c, c === wc);
          const sub = box.querySelector('.fig-sub');
          if (sub && box.classList.contains('tile-fig')) setText(sub, waitSubText(wc, th, since));
        }
      }
    }
    for (const el of document.querySelectorAll('[data-until]')) {
      const left = Math.max(0, (Number(el.dataset.until) - now) / 1000);
      setText(el, el.dataset.fmt === 'sec' ? fmt.sec(Math.ceil(left)) : fmt.dur(left));
      el.classList.toggle('urgent', left <= 5);
    }
    for (const el of document.querySelectorAll('[data-until-bar]')) {
      const left = Math.max(0, Number(el.dataset.untilBar) - now);
      el.style.width = `${Math.min(100, (100 * left) / Number(el.dataset.total))}%`;
    }
    const tz = S.site?.timeZone;
    const clock = isBoardRole(S.session.role) ? $('board-clock') : $('desk-clock');
    if (clock && tz) setText(clock, fmt.clock(now, tz));
    renderAge();
    heartbeat();
    // An offer that ran out without a cancel message (e.g. missed while reconnecting).
    if (S.offer && S.offer.expiresAt < now - 1500) {
      S.offer = null;
      renderDesk();
    }
  }

  // -------------------------------------------------------------------------------------- boot
  function boot() {
    applyStaticI18n();
    for (const b of document.querySelectorAll('.lang-btn')) b.addEventListener('click', () => setLang(b.dataset.lang));
    for (const b of document.querySelectorAll('[data-action="logout"]')) b.addEventListener('click', () => logout());
    for (const c of document.querySelectorAll('.chip[data-user]')) {
      c.addEventListener('click', () => {
        $('login-user').value = c.dataset.user;
        $('login-pass').value = 'demo';
        $('login-submit').focus();
      });
    }
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const u = $('login-user').value.trim();
      const p = $('login-pass').value;
      if (!u || !p) {
        $('login-error').textContent = t('badLogin');
        $('login-error').hidden = false;
        return;
      }
      void login(u, p);
    });
    // A / D answer a ringing offer, unless the agent is typing somewhere.
    document.addEventListener('keydown', (e) => {
      if (!S.offer || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
      if (e.target instanceof HTMLElement && e.target.closest('input, textarea, select, dialog')) return;
      const k = e.key.toLowerCase();
      if (k !== 'a' && k !== 'd') return;
      e.preventDefault();
      void answerOffer(k === 'a');
    });
    setInterval(tick, 250);
    const saved = safeStorage(sessionStorage, 'get', 'callboard.auth');
    if (saved) {
      try {
        const { token, session } = JSON.parse(saved);
        if (token && session) {
          start(token, session);
          return;
        }
      } catch {
        /* fall through to the form */
      }
    }
    show('login');
  }

  boot();
})();
