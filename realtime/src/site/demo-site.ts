/**
 * The demo site `npm start` brings up: the hotline of a Vietnamese vaccination/clinic chain.
 * Five inbound lines, two outbound campaigns' queues, four teams with leads, 40 agents.
 */
import { parseSiteConfig, type SiteConfig, type SiteConfigInput } from '../contracts/index.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Bảo', 'Mỹ', 'Minh'];
const MIDDLE_M = ['Văn', 'Minh', 'Quốc', 'Hoàng', 'Gia', 'Đức', 'Thanh'];
const GIVEN_F = ['Lan', 'Hương', 'Mai', 'Linh', 'Trang', 'Thảo', 'Vy', 'Yến', 'Ngân', 'Quỳnh', 'Hạnh', 'Dung', 'Hà', 'Phương', 'Trinh', 'Nga', 'Châu', 'Giang', 'Hoa', 'Tâm'];
const GIVEN_M = ['An', 'Bình', 'Hùng', 'Nam', 'Long', 'Tuấn', 'Quân', 'Khánh', 'Phúc', 'Hiếu', 'Dũng', 'Sơn', 'Huy', 'Đạt', 'Thắng', 'Trung', 'Vinh', 'Tài', 'Lộc', 'Kiên'];

/** Deterministic Vietnamese full name for index i (about two thirds female, as on most hotlines). */
export function vietnameseName(i: number): string {
  const female = i % 3 !== 2;
  const fam = FAMILY[(i * 7 + 3) % FAMILY.length]!;
  const mid = female ? MIDDLE_F[(i * 5 + 1) % MIDDLE_F.length]! : MIDDLE_M[(i * 3 + 2) % MIDDLE_M.length]!;
  const given = female ? GIVEN_F[(i * 11) % GIVEN_F.length]! : GIVEN_M[(i * 13) % GIVEN_M.length]!;
  return `${fam} ${mid} ${given}`;
}

export const DEMO_QUEUES = [
  { id: 'vaccine-booking', name: 'Vaccine booking', nameVi: 'Đặt lịch tiêm chủng', priority: 2, wrapupSec: 15, overflow: { afterSec: 120, toQueue: 'advice' } },
  { id: 'advice', name: 'Advice', nameVi: 'Tư vấn', priority: 4, wrapupSec: 20 },
  { id: 'after-care', name: 'After-injection care', nameVi: 'Chăm sóc sau tiêm', priority: 1, wrapupSec: 30, params: { slThresholdSec: 15, slTargetPct: 90 } },
  { id: 'complaints', name: 'Complaints', nameVi: 'Khiếu nại', priority: 3, wrapupSec: 45, params: { slTargetPct: 75 } },
  { id: 'clinic', name: 'Clinic', nameVi: 'Phòng khám', priority: 5, wrapupSec: 15 },
  // Outbound lines come first for the sales team: a connected callee is on the line now (the dialer only
  // dials for free agents), and one left waiting behind inbound calls is a dropped call.
  { id: 'telesales', name: 'Vaccine package telesales', nameVi: 'Telesales gói vắc xin', priority: 1, wrapupSec: 20, direction: 'outbound' as const },
  { id: 'survey', name: 'Satisfaction survey', nameVi: 'Khảo sát hài lòng', priority: 1, wrapupSec: 10, direction: 'outbound' as const },
];

const TEAMS = [
  { id: 'team-booking', name: 'Booking team', nameVi: 'Tổ đặt lịch', queues: ['vaccine-booking', 'advice'], skills: { booking: 8, vaccine: 6 } },
  { id: 'team-care', name: 'Care team', nameVi: 'Tổ chăm sóc', queues: ['after-care', 'advice', 'complaints'], skills: { medical: 8, vaccine: 7 } },
  { id: 'team-clinic', name: 'Clinic team', nameVi: 'Tổ phòng khám', queues: ['clinic', 'vaccine-booking'], skills: { booking: 6, clinic: 8 } },
  { id: 'team-sales', name: 'Sales team', nameVi: 'Tổ telesales', queues: ['telesales', 'survey', 'advice'], skills: { sales: 8, vaccine: 5 } },
];

export function demoSiteInput(agentsPerTeam = 10): SiteConfigInput {
  const agents: NonNullable<SiteConfigInput['agents']> = [];
  const users: NonNullable<SiteConfigInput['users']> = [
    { id: 'admin', name: 'Quản trị viên', role: 'admin', password: 'demo' },
    { id: 'supervisor', name: 'Trần Thị Giám Sát', role: 'supervisor', password: 'demo' },
    { id: 'pbx', name: 'PBX adapter', role: 'telephony', password: 'demo' },
  ];
  const teams: NonNullable<SiteConfigInput['teams']> = [];
  let n = 0;
  TEAMS.forEach((t, ti) => {
    const leadId = `lead${ti + 1}`;
    teams.push({ id: t.id, name: t.name, nameVi: t.nameVi, leadUserId: leadId });
    users.push({ id: leadId, name: vietnameseName(100 + ti), role: 'team_lead', password: 'demo', teamIds: [t.id] });
    for (let k = 0; k < agentsPerTeam; k++) {
      n++;
      const id = `a${String(n).padStart(2, '0')}`;
      const skills: Record<string, number> = {};
      for (const [s, lvl] of Object.entries(t.skills)) skills[s] = Math.max(1, Math.min(10, lvl - (k % 4)));
      agents.push({ id, name: vietnameseName(n), teamId: t.id, queues: t.queues, skills });
      users.push({ id, name: vietnameseName(n), role: 'agent', password: 'demo', agentId: id, teamIds: [t.id] });
    }
  });
  return {
    id: 'demo',
    name: 'Tổng đài Vắc xin & Phòng khám An Tâm',
    timeZone: 'Asia/Ho_Chi_Minh',
    locale: 'vi',
    queues: DEMO_QUEUES,
    teams,
    agents,
    users,
    notReadyReasons: ['lunch', 'meeting', 'training', 'coaching', 'technical'],
    successDispositions: ['booked', 'sold', 'renewed', 'converted'],
  };
}

export function demoSite(agentsPerTeam = 10): SiteConfig {
  return parseSiteConfig(demoSiteInput(agentsPerTeam));
}
