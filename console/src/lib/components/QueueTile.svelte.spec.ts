import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-svelte';
import type { LiveFigures, MetricValues } from '$contracts/metrics.ts';
import type { TileFigures } from '$lib/figures.ts';
import { i18n } from '$lib/i18n.svelte.ts';
import QueueTile from './QueueTile.svelte';
import '../../app.css'; // the console's fonts: widths as on the wallboard

function tile(over: { open?: boolean; sl?: number | null; abandon?: number | null; inQueue?: number; available?: number; offered?: number; answered?: number } = {}): TileFigures {
  const live: LiveFigures = {
    inQueue: over.inQueue ?? 0,
    longestWaitSec: 0,
    oldestWaitingSince: null,
    available: over.available ?? 3,
    reserved: 1,
    onCall: 4,
    wrapup: 2,
    break: 1,
    breakReasons: { break: 1 },
    notReady: { lunch: 2 },
    offline: 5,
    staffed: 13,
  };
  const today = { offered: over.offered ?? 120, answered: over.answered ?? 110, abandoned: 10, shortAbandoned: 2, serviceLevelPct: over.sl === undefined ? 85 : over.sl, abandonRatePct: over.abandon === undefined ? 3 : over.abandon, asaSec: 12, ahtSec: 245 } as MetricValues;
  return { id: 'advice', name: 'Tư vấn', open: over.open ?? true, direction: 'inbound', slTargetPct: 80, slThresholdSec: 20, live, today };
}

describe('QueueTile', () => {
  it('shows the figures in Vietnamese formats', async () => {
    const s = await render(QueueTile, { tile: tile({ inQueue: 2 }), waitSec: 15 });
    await expect.element(s.getByRole('heading', { name: 'Tư vấn' })).toBeInTheDocument();
    await expect.element(s.getByTestId('m-inqueue')).toHaveTextContent('2');
    await expect.element(s.getByTestId('m-wait')).toHaveTextContent('0:15');
    await expect.element(s.getByTestId('m-sl')).toHaveTextContent(/85\s%/);
    await expect.element(s.getByTestId('m-aht')).toHaveTextContent('4:05');
    await expect.element(s.getByTestId('m-offered')).toHaveTextContent('120 / 110');
    // Short abandons apart from the rate (metrics.md).
    await expect.element(s.getByTestId('m-abandon')).toHaveTextContent(/3\s%\s*\+2 ngắn/);
    // On call counts ringing agents; breaks and not-ready states apart.
    await expect.element(s.getByTitle('Đang gọi')).toHaveTextContent('5');
    await expect.element(s.getByTestId('break-reasons')).toHaveTextContent('1');
    await expect.element(s.getByTestId('not-ready-reasons')).toHaveTextContent('2');
    // Each title gives them by reason, most first (metrics.md: break by reason).
    await expect.element(s.getByTestId('break-reasons')).toHaveAttribute('title', 'Nghỉ giải lao');
    await expect.element(s.getByTestId('not-ready-reasons')).toHaveAttribute('title', 'Chưa sẵn sàng: Ăn trưa 2');
  });

  it('given agents on break and agents not ready (lunch, a missed offer), then it counts each under its own name, as the supervisor\'s state filter does', async () => {
    const t = tile();
    t.live = { ...t.live, break: 3, breakReasons: { break: 2, meeting: 1 }, notReady: { lunch: 2, missed: 1 } };
    const s = await render(QueueTile, { tile: t, waitSec: 0 });
    // "Nghỉ" is breaks only: the supervisor's "Nghỉ giải lao" filter finds these 3 agents, its "Chưa sẵn sàng" the other 3.
    await expect.element(s.getByTestId('break-reasons')).toHaveTextContent(/^☕\s*3\s*Nghỉ$/);
    await expect.element(s.getByTestId('break-reasons')).toHaveAttribute('title', 'Nghỉ giải lao: Nghỉ giải lao 2 · Họp 1');
    await expect.element(s.getByTestId('not-ready-reasons')).toHaveTextContent(/^■\s*3\s*Chưa sẵn sàng$/);
    await expect.element(s.getByTestId('not-ready-reasons')).toHaveAttribute('title', 'Chưa sẵn sàng: Ăn trưa 2 · Lỡ cuộc gọi 1');
    i18n.set('en');
    try {
      const en = await render(QueueTile, { tile: t, waitSec: 0 });
      await expect.element(en.getByTestId('break-reasons').last()).toHaveTextContent(/^☕\s*3\s*Break$/);
      await expect.element(en.getByTestId('not-ready-reasons').last()).toHaveTextContent(/^■\s*3\s*Not ready$/);
    } finally {
      i18n.set('vi');
    }
  });

  it('shows each threshold by colour class, icon and word', async () => {
    const s = await render(QueueTile, { tile: tile({ sl: 65, abandon: 6, inQueue: 3, available: 0 }), waitSec: 70 });
    await expect.element(s.getByTestId('m-sl')).toHaveAttribute('data-level', 'bad');
    await expect.element(s.getByTestId('m-sl')).toHaveTextContent('✖ Vượt ngưỡng');
    await expect.element(s.getByTestId('m-wait')).toHaveAttribute('data-level', 'bad');
    await expect.element(s.getByTestId('m-abandon')).toHaveAttribute('data-level', 'warn');
    await expect.element(s.getByTestId('m-abandon')).toHaveTextContent('▲');
    await expect.element(s.getByTestId('m-inqueue')).toHaveAttribute('data-level', 'warn');
    await expect.element(s.getByTestId('tile')).toHaveClass(/edge-bad/);
    const ok = await render(QueueTile, { tile: tile({ sl: 92 }), waitSec: 0 });
    await expect.element(ok.getByTestId('m-sl').last()).toHaveAttribute('data-level', 'ok');
    await expect.element(ok.getByTestId('m-sl').last()).toHaveTextContent('✓ Đạt');
  });

  it('says when the line is closed and when the figures are stale', async () => {
    const s = await render(QueueTile, { tile: tile({ open: false }), waitSec: 0, fresh: false, ageSec: 9 });
    await expect.element(s.getByTestId('closed')).toHaveTextContent('ĐÓNG');
    await expect.element(s.getByTestId('tile')).toHaveAttribute('data-open', 'false');
    await expect.element(s.getByTestId('tile-age')).toHaveAttribute('data-fresh', 'false');
    await expect.element(s.getByTestId('tile-age')).toHaveTextContent('Cũ 9 s');
    // Fresh figures: a dot that leaves the room to the line's name, still named for a screen reader.
    const live = await render(QueueTile, { tile: tile({}), waitSec: 0, fresh: true });
    const age = live.getByTestId('tile-age').last();
    await expect.element(age).toHaveAttribute('data-fresh', 'true');
    await expect.element(age).toHaveAttribute('title', 'Trực tiếp');
    await expect.element(age).toHaveClass(/dot/);
  });

  it('given a busy day on a wallboard tile\'s width, then offered / answered is shown whole, not cut off at the tile\'s edge', async () => {
    await page.viewport(1920, 1080);
    // A cell of the wallboard's grid (minmax(0, 1fr) columns): a tile of a 4-column board at 1920 px is about 460 px.
    for (const [offered, answered, width] of [[1_213, 1_166, 460], [12_345, 12_001, 460]] as const) {
      const box = document.createElement('div');
      box.style.cssText = `display: grid; grid-template-columns: minmax(0, ${width}px);`;
      document.body.append(box);
      const s = await render(QueueTile, { tile: tile({ offered, answered }), waitSec: 0 }, { baseElement: box });
      const metric = s.getByTestId('m-offered').last().element() as HTMLElement;
      const value = metric.querySelector('.value') as HTMLElement;
      const tileBox = (s.getByTestId('tile').last().element() as HTMLElement).getBoundingClientRect();
      expect(value.textContent).toBe(`${offered.toLocaleString('vi-VN')} / ${answered.toLocaleString('vi-VN')}`);
      // The text ends inside its cell and inside the tile (whose edge clips what overflows).
      const text = document.createRange();
      text.selectNodeContents(value);
      const right = text.getBoundingClientRect().right;
      expect(right).toBeLessThanOrEqual(metric.getBoundingClientRect().right + 0.5);
      expect(right).toBeLessThanOrEqual(tileBox.right);
      box.remove();
    }
  });

  describe('on a 1080p board of eight tiles (a tile about 460 x 328 px)', () => {
    afterEach(() => i18n.set('vi'));

    it('given a long line name beside the outbound chip, then the whole name shows on at most two lines, and every figure stays inside the tile', async () => {
      await page.viewport(1920, 1080);
      for (const [lang, name] of [['en', 'Vaccine package telesales'], ['vi', 'Telesales gói vắc xin'], ['en', 'After-injection care and vaccine reactions']] as const) {
        i18n.set(lang);
        const box = document.createElement('div');
        box.style.cssText = 'display: grid; grid-template-columns: minmax(0, 460px);';
        document.body.append(box);
        // A busy line: two-digit counts in every state.
        const t: TileFigures = { ...tile({ inQueue: 12, available: 13, offered: 1_213, answered: 1_166 }), id: 'telesales', name, direction: 'outbound' };
        t.live = { ...t.live, onCall: 14, wrapup: 12, break: 11, breakReasons: { break: 11 }, notReady: { lunch: 12 } };
        const s = await render(QueueTile, { tile: t, waitSec: 75 }, { baseElement: box });
        const el = s.getByTestId('tile').last().element() as HTMLElement;
        const h2 = el.querySelector('h2') as HTMLElement;
        const label = { lang, name };
        // Nothing cut: no ellipsis sideways, no third line hidden.
        expect({ ...label, cutWide: h2.scrollWidth > h2.clientWidth, cutTall: h2.scrollHeight > h2.clientHeight + 1 }).toEqual({ ...label, cutWide: false, cutTall: false });
        const lineHeight = parseFloat(getComputedStyle(h2).lineHeight);
        expect(h2.clientHeight).toBeLessThanOrEqual(2 * lineHeight + 1);
        // The layout holds: every figure and state inside the tile, the tile inside its cell.
        const box2 = el.getBoundingClientRect();
        const out = [...el.querySelectorAll<HTMLElement>('header > *, .value, .staff .st')].filter((v) => v.getBoundingClientRect().right > box2.right - 8 + 0.5).map((v) => v.textContent?.trim());
        expect({ ...label, out }).toEqual({ ...label, out: [] });
        expect(box2.height).toBeLessThanOrEqual(328);
        box.remove();
      }
    });
  });

  it('shows a dash, not 0 %, before the first call', async () => {
    const s = await render(QueueTile, { tile: tile({ sl: null, abandon: null }), waitSec: 0 });
    await expect.element(s.getByTestId('m-sl')).toHaveAttribute('data-level', 'none');
    await expect.element(s.getByTestId('m-sl')).toHaveTextContent('—');
  });
});
