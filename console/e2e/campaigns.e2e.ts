/**
 * The campaign pages end to end: the real hub with the campaigns area mounted as `npm start` mounts it
 * (REST router, BullMQ workers in process) on a throwaway PGlite, real Redis, the built console, Chromium.
 * A supervisor creates a campaign on the list page's form and finds it in the list as a draft; on its page
 * chooses a CSV of leads through the page's own file picker (Vietnamese, never the browser's English
 * "No file chosen"), uploads it and sees the import's counts, the bad row's reason and the new leads in the
 * coverage; then starts and pauses it, the status and the buttons offered following the rules of
 * docs/CAMPAIGNS.md (a draft offers Start only). The "created" message survives the move to the new campaign's
 * page (a client-side navigation), the list never says "no campaign yet" while its first answer is on the way,
 * and the results' tooltips are worded in Vietnamese (not the hub's English formulas).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { parseSiteConfig } from '../../realtime/src/contracts/index.ts';
import { signToken } from '../../realtime/src/hub/auth.ts';
import { e2eSite, launch, SECRET, signIn, startCampaignsHub } from './harness.ts';

// The e2e site with an outbound line for the campaigns (the create form offers outbound lines only), under
// an id of its own.
const base = e2eSite();
const config = parseSiteConfig({
  ...base,
  id: `e2e-camp-${randomBytes(4).toString('hex')}`,
  queues: [...(base.queues ?? []), { id: 'telesales', name: 'Vaccine package telesales', nameVi: 'Telesales gói vắc xin', priority: 1, wrapupSec: 20, direction: 'outbound' }],
});
let hub: Awaited<ReturnType<typeof startCampaignsHub>>;
let url: string;
let browser: Browser;

beforeAll(async () => {
  [hub, browser] = await Promise.all([startCampaignsHub(inject('redisUrl'), config), launch()]);
  url = hub.url;
});
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

const supToken = signToken(SECRET, { userId: 'sup', name: 'Giám sát', role: 'supervisor', teamIds: [] });
async function api(path: string): Promise<any> {
  const r = await fetch(url + path, { headers: { authorization: `Bearer ${supToken}` } });
  expect(r.ok, `GET ${path}: ${r.status}`).toBe(true);
  return r.json();
}

/** Two good Vietnamese leads (numbers as lists write them) and one bad number, on the file's 4th line. */
const CSV = ['so_dien_thoai,ho_ten,phan_khuc', '0901234567,Nguyễn Thị Hương,hn', '090 765 4321,Trần Văn Minh,hcm', '12345,Lê Văn Sai,hn', ''].join('\n');
const FILE = 'khach-hang-mua-thu.csv';
/** The file input, in an expression evaluated in the page (this project's types have no DOM). */
const INPUT = `document.querySelector('[data-testid=import-file]')`;

/** The start / pause / stop buttons of the campaign page, by their Vietnamese names. */
function buttons(page: Page): { start: Locator; pause: Locator; stop: Locator } {
  const acts = page.locator('.head .acts');
  return {
    start: acts.getByRole('button', { name: 'Bắt đầu', exact: true }),
    pause: acts.getByRole('button', { name: 'Tạm dừng', exact: true }),
    stop: acts.getByRole('button', { name: 'Dừng', exact: true }),
  };
}
/** Which of start / pause / stop are enabled, e.g. `['start']` for a draft. */
async function offered(page: Page): Promise<string[]> {
  const b = buttons(page);
  const out: string[] = [];
  for (const [name, l] of Object.entries(b)) if (await l.isEnabled()) out.push(name);
  return out;
}
/**
 * The file input as Chromium's accessibility tree has it (what a screen reader gets): its name (from the
 * label) and description (the chosen file's name, through aria-describedby).
 */
async function fileInputAx(page: Page): Promise<{ name?: string; description?: string }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value?: string }; name?: { value?: string }; description?: { value?: string }; value?: { value?: string } }[] };
    // Chromium exposes a file input as a button whose value is its own "No file chosen" or the file's name.
    return nodes.filter((n) => n.role?.value === 'button' && n.value !== undefined).map((n) => ({ name: n.name?.value, description: n.description?.value }));
  } finally {
    await cdp.detach();
  }
}
/** A coverage figure of the campaign page, by its Vietnamese label. */
const figure = (page: Page, label: string) => page.getByTestId('coverage').locator('div', { has: page.locator(`span:text-is("${label}")`) }).locator('b');

describe('campaign pages end to end', () => {
  it('a supervisor creates a campaign, imports a CSV of leads through the Vietnamese file picker (2 new, 1 bad row with its reason, coverage 2), starts and pauses it', async () => {
    const page = await signIn(browser, url, 'sup', '/campaigns');
    // ---- the list page: nothing yet; a campaign made on its own form
    await page.getByText('Chưa có chiến dịch nào.').waitFor();
    await page.getByTestId('new-campaign').click();
    const form = page.getByTestId('campaign-form');
    await form.getByLabel('Mã').fill('goi-mua-thu');
    await form.getByLabel('Tên').fill('Gói tiêm mùa thu');
    // The outbound line is offered, by its Vietnamese name; the inbound ones are not.
    await expect.poll(() => form.getByLabel('Hàng đợi').locator('option').allTextContents(), { timeout: 10_000 }).toEqual(['Telesales gói vắc xin']);
    await form.getByRole('button', { name: 'Tạo', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/campaigns/goi-mua-thu');
    // The message says so on the new campaign's page (a full reload used to drop it).
    await expect.poll(() => page.getByTestId('toast').textContent({ timeout: 500 }).catch(() => null), { timeout: 4_000 }).toBe('Đã tạo chiến dịch Gói tiêm mùa thu');
    await page.getByRole('heading', { name: 'Gói tiêm mùa thu' }).waitFor();
    expect(await api('/api/v1/campaigns/goi-mua-thu')).toMatchObject({ name: 'Gói tiêm mùa thu', queueId: 'telesales', status: 'draft' });

    // Back on the list, its answer held back for a moment: the page never says "no campaign yet" meanwhile
    // (it flashed before the rows).
    await page.evaluate(`(() => {
      window.__sawNone = false;
      const seen = () => { if (document.body.textContent.includes('Chưa có chiến dịch nào.')) window.__sawNone = true; };
      new MutationObserver(seen).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    let held = false;
    await page.route(
      '**/api/v1/campaigns',
      async (route) => {
        held = true;
        await new Promise((r) => setTimeout(r, 1_500));
        await route.continue();
      },
      { times: 1 },
    );
    await page.getByRole('link', { name: '← Tất cả chiến dịch' }).click();
    await page.getByRole('heading', { name: 'Chiến dịch gọi ra' }).waitFor();
    await expect.poll(() => held).toBe(true);
    expect(await page.getByText('Chưa có chiến dịch nào.').count()).toBe(0);
    // The campaign, a draft, Start its only button.
    const row = page.locator('[data-testid=campaign-row][data-campaign=goi-mua-thu]');
    await row.waitFor();
    expect(await page.evaluate<boolean>('window.__sawNone')).toBe(false);
    expect(await row.getAttribute('data-status')).toBe('draft');
    await expect(row.textContent()).resolves.toMatch(/Gói tiêm mùa thu.*goi-mua-thu.*Telesales.*Lũy tiến.*Nháp/);
    expect(await row.getByRole('button', { name: 'Bắt đầu', exact: true }).isEnabled()).toBe(true);
    expect(await row.getByRole('button', { name: 'Tạm dừng', exact: true }).isDisabled()).toBe(true);
    expect(await row.getByRole('button', { name: 'Dừng', exact: true }).isDisabled()).toBe(true);
    await row.getByRole('link', { name: 'Gói tiêm mùa thu' }).click();
    await page.waitForURL((u) => u.pathname === '/campaigns/goi-mua-thu');

    // ---- the campaign page: a draft offers Start only (docs/CAMPAIGNS.md)
    const status = page.getByTestId('campaign-status');
    await expect.poll(() => status.textContent()).toBe('Nháp');
    expect(await offered(page)).toEqual(['start']);
    // Its line by name in the page's language (the id as a tooltip).
    await expect.poll(() => page.getByTestId('campaign-kind').innerText()).toBe('Telesales · Lũy tiến · Telesales gói vắc xin');
    // Attempts have no formula of their own (the connectivity one used to show on them).
    expect(await page.getByTestId('results').locator('span', { hasText: 'Lượt gọi' }).getAttribute('title')).toBeNull();
    // The other figures' formulas in Vietnamese words: none is the hub's English one.
    const english = Object.values((await api('/api/v1/campaigns/goi-mua-thu/results')).formulas as Record<string, string>);
    const tips = await page.getByTestId('results').locator('span[title]').evaluateAll((els) => els.map((el) => el.getAttribute('title')));
    expect(tips).toContain('100 · lượt quay số có khách nghe máy / lượt quay số');
    expect(tips.filter((t) => english.includes(t ?? ''))).toEqual([]);
    await expect(buttons(page).pause.getAttribute('title')).resolves.toBe('Chiến dịch chưa bắt đầu nên chưa thể tạm dừng hay dừng.');

    // ---- the file picker, in the page's language
    const importForm = page.getByTestId('import-form');
    const input = page.getByTestId('import-file');
    const chosen = page.getByTestId('import-file-name');
    const upload = importForm.getByRole('button', { name: 'Tải lên', exact: true });
    // The page's own picker: a label (the button one sees) around the file input.
    expect(await importForm.locator('label', { has: input }).count(), 'a label around [data-testid=import-file]').toBe(1);
    await expect(importForm.locator('label', { has: input }).innerText()).resolves.toBe('Chọn tệp CSV');
    // The file input is named by that label (what a screen reader says), and is the label's only control.
    expect(await page.getByLabel('Chọn tệp CSV', { exact: true }).getAttribute('data-testid')).toBe('import-file');
    await expect(chosen.innerText()).resolves.toBe('Chưa chọn tệp');
    expect(await upload.isDisabled()).toBe(true);
    await expect(fileInputAx(page)).resolves.toEqual([{ name: 'Chọn tệp CSV', description: 'Chưa chọn tệp' }]);
    // The browser's own control is out of sight (so is its English "Choose File / No file chosen"), yet in the
    // page: 1 px, not display:none or visibility:hidden, which would take it out of the keyboard's reach.
    const box = await input.boundingBox();
    expect(box && box.width <= 1 && box.height <= 1, `file input box ${JSON.stringify(box)}`).toBe(true);
    await expect(page.evaluate<string>(`getComputedStyle(${INPUT}).display`)).resolves.not.toBe('none');
    await expect(page.evaluate<string>(`getComputedStyle(${INPUT}).visibility`)).resolves.toBe('visible');
    // The label is what one sees: a button-sized box.
    const labelBox = await importForm.locator('label', { has: input }).boundingBox();
    expect(labelBox && labelBox.width > 60 && labelBox.height > 20, `label box ${JSON.stringify(labelBox)}`).toBe(true);

    await input.setInputFiles({ name: FILE, mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    await expect(chosen.innerText()).resolves.toBe(FILE);
    expect(await upload.isEnabled()).toBe(true);
    await expect(fileInputAx(page)).resolves.toEqual([{ name: 'Chọn tệp CSV', description: FILE }]);
    // Keyboard: one Shift+Tab back from the upload button lands on the file input, and the label shows the focus ring.
    await upload.focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate<string | undefined>(`document.activeElement?.getAttribute('data-testid')`)).toBe('import-file');
    await expect(page.evaluate<string>(`getComputedStyle(${INPUT}.closest('label')).outlineStyle`)).resolves.toBe('solid');
    // Nowhere on the Vietnamese page the browser's English words.
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/No file chosen|Choose File|Choose a CSV file/);

    // ---- upload: the import finishes with its counts and the bad row's reason
    await upload.click();
    const result = page.getByTestId('import-result');
    await expect.poll(() => page.getByTestId('import-result-file').textContent(), { timeout: 20_000 }).toBe(FILE);
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(new RegExp(`^${FILE.replace(/\./g, '\\.')} · 100%`));
    await expect(result.innerText()).resolves.toMatch(/Khách mới 2 · Gộp trùng 0 · Dòng lỗi 1$/);
    const errRows = importForm.locator('table.errs tbody tr');
    expect(await errRows.count()).toBe(1);
    expect(await errRows.locator('td').allInnerTexts()).toEqual(['4', 'Số điện thoại không hợp lệ', '12345']);
    // The result names the file imported; the picker is emptied, so Upload cannot send it a second time.
    await expect(chosen.innerText()).resolves.toBe('Chưa chọn tệp');
    expect(await upload.isDisabled()).toBe(true);
    expect(await page.getByTestId('import-file').evaluate((el) => (el as unknown as { files: { length: number } }).files.length)).toBe(0);
    // The coverage shows the two new leads, none dialed.
    await expect.poll(() => figure(page, 'Tổng').innerText(), { timeout: 10_000 }).toBe('2');
    expect(await figure(page, 'Chưa gọi').innerText()).toBe('2');
    expect(await figure(page, 'Hoàn tất').innerText()).toBe('0');
    // As the hub has them.
    const coverage = (await api('/api/v1/campaigns/goi-mua-thu/coverage')) as Record<string, number>;
    expect(coverage).toMatchObject({ total: 2, leadsPending: 2 });
    if (process.env.CALLBOARD_E2E_SCREENSHOT) await importForm.screenshot({ path: process.env.CALLBOARD_E2E_SCREENSHOT });

    // ---- start, then pause: the status and the buttons offered follow
    await buttons(page).start.click();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Đang chạy');
    expect(await status.getAttribute('class')).toContain('s-running');
    await expect.poll(() => offered(page)).toEqual(['pause', 'stop']);
    expect((await api('/api/v1/campaigns/goi-mua-thu')).status).toBe('running');

    await buttons(page).pause.click();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Tạm dừng');
    expect(await status.getAttribute('class')).toContain('s-paused');
    await expect.poll(() => offered(page)).toEqual(['start', 'stop']);
    expect((await api('/api/v1/campaigns/goi-mua-thu')).status).toBe('paused');

    // The list agrees: paused, its two leads in the coverage.
    await page.getByRole('link', { name: '← Tất cả chiến dịch' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('paused');
    await expect(row.locator('.cov').innerText()).resolves.toBe('0 / 2');

    // In English the picker speaks English (its own words, the same ones).
    await page.goto(`${url}/campaigns/goi-mua-thu?lang=en`);
    await expect.poll(() => page.getByTestId('import-file-name').innerText(), { timeout: 10_000 }).toBe('No file chosen');
    await expect(page.getByTestId('import-form').locator('label', { has: page.getByTestId('import-file') }).innerText()).resolves.toBe('Choose a CSV file');
    await page.context().close();
  });
});
