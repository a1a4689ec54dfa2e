/**
 * The demo's campaigns (`npm start`): a predictive telesales campaign for vaccine packages, a
 * satisfaction survey (with post-call surveys after vaccine-booking and after-care calls), and a scheduled
 * birthday-offer outreach. Leads are Vietnamese names with +84 mobile numbers, imported through the real
 * CSV import. Created once (a restart keeps them and their progress).
 */
import { vietnameseName } from '../../../realtime/src/site/demo-site.ts';
import type { SiteConfig } from '../../../realtime/src/contracts/index.ts';
import type { CampaignService } from './campaigns.service.ts';
import { CampaignInputSchema, WindowSchema, campaignFromInput, type Campaign } from './model.ts';
import { checkWindow } from './policy.ts';

const PREFIXES = ['090', '091', '093', '094', '096', '097', '098', '032', '033', '035', '038', '070', '077', '079', '081', '083', '085', '088'];
const PROVINCES = ['hcm', 'hn', 'dn', 'ct', 'hp'];

/** `n` leads as a CSV: name, number (local format, as lists arrive), segment, a few assigned to agents. */
export function demoLeadsCsv(n: number, seed: number, assignTo: readonly string[] = []): string {
  const rows = ['ho_ten,so_dien_thoai,phan_khuc,agent,goi_quan_tam'];
  const packages = ['Gói 6 in 1', 'Gói cúm mùa', 'Gói HPV', 'Gói trẻ em 0-2 tuổi', 'Gói viêm gan B'];
  for (let i = 0; i < n; i++) {
    const k = seed * 10_000 + i;
    const prefix = PREFIXES[(k * 7) % PREFIXES.length]!;
    const rest = String((k * 7_919 + 1_234_567) % 10_000_000).padStart(7, '0');
    const agent = assignTo.length && i % 12 === 0 ? assignTo[(i / 12) % assignTo.length]! : '';
    rows.push(`${vietnameseName(k + 200)},${prefix}${rest},${PROVINCES[k % PROVINCES.length]},${agent},${packages[k % packages.length]}`);
  }
  return rows.join('\n') + '\n';
}

/** Last year's finished package campaign (its past dials: `seedLastYearCustomers` in scripts/src/demo-history.ts). */
export const LAST_YEAR_CAMPAIGN = 'vaccine-packages-2025';

/** The demo campaign each outbound line of the demo site dials for (the demo history's outbound calls are theirs). */
export const DEMO_CAMPAIGN_LINES: Readonly<Record<string, string>> = { telesales: 'vaccine-packages', survey: 'satisfaction-survey' };

export function demoCampaigns(config: SiteConfig): Campaign[] {
  const sales = config.agents.filter((a) => a.teamId === 'team-sales').map((a) => a.id);
  const telesales = CampaignInputSchema.parse({
    id: 'vaccine-packages',
    name: 'Gói vắc xin 2026 / Vaccine packages 2026',
    type: 'telesales',
    queueId: 'telesales',
    dialingMode: 'predictive',
    priority: 7,
    maxAttempts: 4,
    script:
      'Chào anh/chị {lead}, em gọi từ Trung tâm tiêm chủng An Tâm. Bên em đang có chương trình gói vắc xin ưu đãi 10% đến hết tháng. Anh/chị có muốn em đặt lịch tư vấn miễn phí không ạ?',
    settings: {
      teams: ['team-sales'],
      agents: sales,
      sharedQueues: ['advice'],
      // Demo agents accept offers after 1-6 s and sometimes let one ring out (15 s, then the next agent);
      // a real dialer bridges at once and drops after 2 s.
      dropAfterSec: 20,
      successDispositions: ['sold', 'booked', 'converted', 'renewed'],
      retry: { busy: 30, no_answer: 120, voicemail: 'next-day', failed: 60, dropped: 60, callback: 240 },
      carrier: { connect: 0.4, busy: 0.15, noAnswer: 0.3, voicemail: 0.1, failed: 0.05, ringSec: 6 },
      offer: 'Ưu đãi 10% gói vắc xin đến hết tháng',
      runOutAlertMin: 60,
    },
  });
  const survey = CampaignInputSchema.parse({
    id: 'satisfaction-survey',
    name: 'Khảo sát hài lòng / Satisfaction survey',
    type: 'survey',
    queueId: 'survey',
    dialingMode: 'progressive',
    priority: 8,
    maxAttempts: 2,
    script: 'Chào anh/chị, em gọi từ Trung tâm tiêm chủng An Tâm để hỏi ý kiến anh/chị về lần tiêm gần đây (khoảng 1 phút).',
    settings: {
      teams: ['team-sales'],
      sharedQueues: ['advice'],
      successDispositions: ['completed'],
      quota: { total: 2000, perSegment: { hcm: 600, hn: 600 } },
      postCallQueues: ['vaccine-booking', 'after-care'],
      dropAfterSec: 20,
      carrier: { connect: 0.5, busy: 0.1, noAnswer: 0.3, voicemail: 0.05, failed: 0.05, ringSec: 5 },
    },
    questions: [
      { id: 'nps', kind: 'nps', text: 'Anh/chị sẵn sàng giới thiệu trung tâm cho người thân ở mức nào (0-10)?' },
      { id: 'csat', kind: 'csat', text: 'Anh/chị hài lòng với dịch vụ tiêm chủng ở mức nào (1-5)?' },
      { id: 'reaction', kind: 'yes_no', text: 'Sau tiêm, bé/anh/chị có phản ứng gì không được hướng dẫn xử lý không?' },
      { id: 'comment', kind: 'text', text: 'Anh/chị có góp ý gì thêm không?' },
    ],
  });
  const birthday = CampaignInputSchema.parse({
    id: 'birthday-offers',
    name: 'Chúc mừng sinh nhật / Birthday offers',
    type: 'telesales',
    queueId: 'telesales',
    dialingMode: 'progressive',
    priority: 9,
    maxAttempts: 2,
    script: 'Chúc mừng sinh nhật anh/chị {lead}! Trung tâm An Tâm tặng anh/chị phiếu khám sức khoẻ miễn phí trong tháng này.',
    settings: { teams: ['team-sales'], offer: 'Phiếu khám sức khoẻ miễn phí', schedule: { pattern: '0 9 * * *' }, dropAfterSec: 20 },
  });
  // Last year's package campaign, finished: its buyers are the customers the CX retention follows (some
  // came back this year, some did not).
  const lastYear = CampaignInputSchema.parse({
    id: LAST_YEAR_CAMPAIGN,
    name: 'Gói vắc xin 2025 / Vaccine packages 2025',
    type: 'telesales',
    queueId: 'telesales',
    dialingMode: 'predictive',
    priority: 7,
    maxAttempts: 3,
    script: 'Chào anh/chị {lead}, em gọi từ Trung tâm tiêm chủng An Tâm về chương trình gói vắc xin 2025.',
    settings: { teams: ['team-sales'], agents: sales, successDispositions: ['sold', 'booked'], offer: 'Ưu đãi 15% gói vắc xin năm 2025', dropAfterSec: 20 },
  });
  const done = campaignFromInput(config.id, lastYear);
  done.status = 'completed';
  return [campaignFromInput(config.id, telesales), campaignFromInput(config.id, survey), campaignFromInput(config.id, birthday), done];
}

/**
 * Creates the demo campaigns and their leads when missing, and starts telesales and the survey. Out of
 * the 08:00-21:00 calling hours (site time) the demo campaigns get a 24-hour window, as the simulator runs
 * its flat profile then, so the demo always has outbound traffic (say so: real campaigns keep their window).
 */
export async function seedDemoCampaigns(s: CampaignService, config: SiteConfig): Promise<string[]> {
  const created: string[] = [];
  const outOfHours = !checkWindow(Date.now(), config.timeZone, WindowSchema.parse({})).open;
  const sales = config.agents.filter((a) => a.teamId === 'team-sales').map((a) => a.id);
  const leads: Record<string, [number, number, readonly string[]]> = {
    'vaccine-packages': [1500, 1, sales.slice(0, 3)],
    'satisfaction-survey': [800, 2, []],
    'birthday-offers': [120, 3, []],
  };
  for (const c of demoCampaigns(config)) {
    if (await s.repo.getCampaign(c.id)) continue;
    if (c.status === 'completed') {
      await s.save(c); // finished: no leads to import, nothing to dial
      created.push(`${c.id} (finished)`);
      continue;
    }
    if (outOfHours) c.settings.window = { start: '00:00', end: '23:59', days: [1, 2, 3, 4, 5, 6, 7] };
    await s.save(c);
    await s.schedule(c);
    const [n, seed, assign] = leads[c.id]!;
    const csv = demoLeadsCsv(n, seed, assign);
    const importId = await s.repo.createImport(c.id, `${c.id}-demo.csv`, csv.length);
    await s.importFile(c.id, csv, importId, csv.length);
    await s.addDnc(c.id, [], null, 'demo');
    if (c.id !== 'birthday-offers') await s.setStatus(c.id, 'running');
    created.push(outOfHours ? `${c.id} (24 h window: started out of hours)` : c.id);
  }
  // A few numbers on the global do-not-call list, to show the check.
  await s.addDnc('global', ['+84901234567', '+84987654321'], 'customer asked', 'demo');
  return created;
}
