/**
 * The console end to end against the real hub and Redis: an agent's whole call with the supervisor
 * watching, a supervisor closing a line seen on the wallboard, an ignored offer going to the next agent.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, offered, signIn, startConsoleHub, type RunningHub } from './harness.ts';

let hub: RunningHub;
let browser: Browser;

beforeAll(async () => {
  [hub, browser] = await Promise.all([startConsoleHub(inject('redisUrl')), launch()]);
});
afterAll(async () => {
  await browser?.close();
  await hub?.app.close();
});

const agentRow = (page: Page, id: string, state: string) => page.locator(`[data-testid=agent-row][data-agent=${id}][data-state=${state}]`);

describe('console end to end', () => {
  it('each role lands on its page and is sent back from pages it may not open', async () => {
    const [lead, agent] = await Promise.all([signIn(browser, hub.url, 'lead1'), signIn(browser, hub.url, 'a2')]);
    expect(new URL(lead.url()).pathname).toBe('/team');
    expect(new URL(agent.url()).pathname).toBe('/agent');
    await lead.locator('[data-testid=team-row][data-agent=a1]').waitFor();
    // The team's name in the page's language (the site configures `name` and `nameVi`).
    expect(await lead.locator('h1').textContent()).toBe('Tổ đặt lịch');
    await lead.getByRole('button', { name: 'EN', exact: true }).click();
    await lead.locator('h1', { hasText: 'Booking team' }).waitFor();
    await lead.goto(`${hub.url}/supervisor`);
    await lead.waitForURL((u) => u.pathname === '/team');
    await agent.goto(`${hub.url}/wallboard`);
    await agent.waitForURL((u) => u.pathname === '/agent');
    expect(await agent.locator('[data-testid=tile]').count()).toBe(0);
    await Promise.all([lead.context().close(), agent.context().close()]);
  });

  it('an agent goes available, takes an offer, ends it and records an outcome; the supervisor sees each state live', async () => {
    const [desk, sup] = await Promise.all([signIn(browser, hub.url, 'a1'), signIn(browser, hub.url, 'sup')]);
    expect(new URL(desk.url()).pathname).toBe('/agent');
    expect(new URL(sup.url()).pathname).toBe('/supervisor');
    // The token is also a cookie for the hub's server-side tools.
    const cookies = await desk.context().cookies();
    expect(cookies.find((c) => c.name === 'callboard_token')?.sameSite).toBe('Strict');

    await agentRow(sup, 'a1', 'offline').waitFor();
    // No time in state while offline (hours since a logout read like a clock time); a running one after.
    expect(await agentRow(sup, 'a1', 'offline').getByTestId('in-state').textContent()).toBe('—');
    await desk.getByTestId('state-available').click();
    await desk.locator('[data-testid=my-state][data-state=available]').waitFor();
    await agentRow(sup, 'a1', 'available').waitFor();
    await expect(agentRow(sup, 'a1', 'available').getByTestId('in-state').textContent()).resolves.toMatch(/^\d+:\d\d$/);

    const { callId, event } = offered('booking');
    await hub.app.hub.ingest([event]);
    const card = desk.locator(`[data-testid=offer-card][data-call="${callId}"]`);
    await card.waitFor();
    // The number is masked, the customer's attributes shown.
    await expect(card.textContent()).resolves.not.toContain('0901234567');
    await expect(card.textContent()).resolves.toContain('Hexaxim');
    await agentRow(sup, 'a1', 'reserved').waitFor();

    await desk.getByTestId('offer-accept').click();
    await desk.locator(`[data-testid=call][data-call="${callId}"]`).waitFor();
    await agentRow(sup, 'a1', 'onCall').waitFor();

    await desk.getByTestId('call-end').click();
    await desk.getByTestId('wrapup').waitFor();
    await agentRow(sup, 'a1', 'wrapup').waitFor();

    // Quality control: "booked" needs a date and a branch; the form says what is missing.
    await desk.getByTestId('disposition').selectOption('booked');
    await desk.getByTestId('wrap-finish').click();
    await desk.getByTestId('wrap-missing').waitFor();
    expect(hub.app.hub.state.calls.get(callId)?.disposition ?? hub.app.hub.state.recordIndex.get(callId)?.disposition).toBeUndefined();
    await desk.getByTestId('f-appointment').fill('2026-12-01');
    await desk.getByTestId('f-branch').selectOption({ index: 1 });
    await desk.getByTestId('f-notes').fill('Mũi 2 Hexaxim cho bé');
    await desk.getByTestId('wrap-finish').click();
    await desk.getByTestId('wrapup').waitFor({ state: 'detached' });
    await agentRow(sup, 'a1', 'available').waitFor();

    const rec = hub.app.hub.state.calls.get(callId) ?? hub.app.hub.state.recordIndex.get(callId);
    expect(rec?.disposition).toBe('booked');
    expect(rec?.notes).toContain('appointment: 2026-12-01');
    await desk.locator('[data-testid=my-handled]', { hasText: '1' }).waitFor();

    // "Explain this number": the line's service level lists the call, with the agent's name and login.
    await sup.locator('[data-testid=queue-row][data-queue=booking] [data-testid=explain-sl]').click();
    const row = sup.getByTestId('explain').locator('tr', { hasText: callId });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Nguyễn Thị Lan a1');
    await Promise.all([desk.context().close(), sup.context().close()]);
  });

  it('on a call, an agent asks for a break after it and cancels; the team lead marks them absent, and the agent is logged out when the call is done', async () => {
    const [desk, lead] = await Promise.all([signIn(browser, hub.url, 'a1'), signIn(browser, hub.url, 'lead1')]);
    // a1 may still be available from the call before.
    await desk.getByTestId('my-state').waitFor();
    if ((await desk.getByTestId('my-state').getAttribute('data-state')) !== 'available') await desk.getByTestId('state-available').click();
    await desk.locator('[data-testid=my-state][data-state=available]').waitFor();
    const { callId, event } = offered('booking');
    await hub.app.hub.ingest([event]);
    await desk.getByTestId('offer-accept').click();
    await desk.locator(`[data-testid=call][data-call="${callId}"]`).waitFor();
    await desk.getByTestId('next-hint').waitFor();

    // Break while talking: it waits for the end of the call, on the desk and on the team page.
    await desk.getByTestId('state-break').click();
    await desk.locator('[data-testid=next-a1][data-next=break]').waitFor();
    await expect(desk.getByTestId('next-a1').textContent()).resolves.toContain('Sau cuộc gọi này: Nghỉ giải lao');
    await lead.locator('[data-testid=team-row][data-agent=a1] [data-testid=next-a1][data-next=break]').waitFor();
    expect(hub.app.hub.state.agents.get('a1')?.state).toBe('onCall');
    await desk.getByTestId('next-cancel-a1').click();
    await desk.getByTestId('next-a1').waitFor({ state: 'detached' });

    // The lead marks the agent absent: it waits for the end of the call too, and the desk says who asked.
    await lead.getByTestId('absent-a1').click();
    await expect(lead.getByTestId('confirm').textContent()).resolves.toContain('đang trong cuộc gọi');
    await lead.getByTestId('confirm-ok').click();
    await desk.locator('[data-testid=next-a1][data-next=offline]').waitFor();
    // By name, and the lead's to change: the desk offers no cancel, and no state but signing out.
    await expect(desk.getByTestId('next-a1').textContent()).resolves.toContain('Trưởng nhóm Đỗ Thu Trang');
    expect(await desk.getByTestId('next-cancel-a1').count()).toBe(0);
    expect(await desk.getByTestId('state-break').isDisabled()).toBe(true);
    await lead.locator('[data-testid=absent-a1]:disabled').waitFor();

    await desk.getByTestId('call-end').click();
    await desk.getByTestId('wrapup').waitFor();
    await desk.getByTestId('disposition').selectOption('info');
    await desk.getByTestId('wrap-finish').click();
    await desk.locator('[data-testid=my-state][data-state=offline]').waitFor();
    await lead.locator('[data-testid=team-row][data-agent=a1][data-state=offline]').waitFor();
    expect(hub.app.hub.state.agents.get('a1')?.next).toBeUndefined();
    await Promise.all([desk.context().close(), lead.context().close()]);
  });

  it("a team lead publishes today's schedule for an agent and sees the shift as scheduled and the adherence on the team page", async () => {
    const lead = await signIn(browser, hub.url, 'lead1');
    await lead.locator('[data-testid=team-row][data-agent=a1]').waitFor();
    expect(await lead.locator('[data-testid=team-row][data-agent=a1] [data-testid=scheduled]').textContent()).toBe('—');
    // With the lead's own token (the console keeps it in sessionStorage), the whole day as work.
    const date = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const status = await lead.evaluate(async (d) => {
      // In the page (the e2e project compiles without the DOM's types).
      const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage;
      const { token } = JSON.parse(store.getItem('callboard.session') ?? '{}') as { token?: string };
      const r = await fetch(`/api/v1/schedules/${d}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
        body: JSON.stringify({ agents: { a1: [{ from: '00:00', to: '24:00', activity: 'work' }] } }),
      });
      return r.status;
    }, date);
    expect(status).toBe(200);
    await lead.locator('[data-testid=team-row][data-agent=a1] [data-testid=scheduled]', { hasText: '00:00–00:00' }).waitFor();
    // a1 was marked absent (the test before): back at the desk, the time signed out counts against the schedule.
    const desk = await signIn(browser, hub.url, 'a1');
    await desk.getByTestId('state-available').click();
    await lead.locator('[data-testid=team-row][data-agent=a1][data-state=available] [data-testid=adherence]', { hasText: '%' }).waitFor();
    await lead.locator('[data-testid=team-adherence]', { hasText: '%' }).waitFor();
    await desk.context().close();
    await lead.context().close();
  });

  it('a supervisor closes a line and the wallboard shows it closed within a second', async () => {
    const [sup, board] = await Promise.all([signIn(browser, hub.url, 'sup'), signIn(browser, hub.url, 'sup', '/wallboard?queues=booking,advice&tv')]);
    const tile = board.locator('[data-testid=tile][data-queue=booking]');
    await tile.and(board.locator('[data-open=true]')).waitFor();
    // The TV on the wall (?tv): figures only, no navigation or sign-out; the supervisor's page has them.
    expect(await board.locator('header nav').count()).toBe(0);
    expect(await board.locator('header .signout').count()).toBe(0);
    expect(await sup.locator('header nav a').count()).toBeGreaterThan(1);

    await sup.locator('[data-testid=queue-row][data-queue=booking] [data-testid=toggle-open]').click();
    await sup.getByTestId('confirm-ok').click();
    await sup.locator('[data-testid=toast][data-kind=ok]').waitFor();
    // The product requirement: on the wallboard within 1 s of the hub applying the command.
    await board.locator('[data-testid=tile][data-queue=booking][data-open=false]').waitFor({ timeout: 1000 });
    await board.locator('[data-testid=alerts] [data-kind=closed][data-queue=booking]').waitFor();
    expect(hub.app.hub.state.queues.get('booking')?.open).toBe(false);

    // And back open, through the same confirmation.
    await sup.locator('[data-testid=queue-row][data-queue=booking] [data-testid=toggle-open]').click();
    await sup.getByTestId('confirm-ok').click();
    await board.locator('[data-testid=tile][data-queue=booking][data-open=true]').waitFor();
    await Promise.all([sup.context().close(), board.context().close()]);
  });

  it('a call for a line the configuration does not name creates it; once the call is over the supervisor removes it and the wallboard drops its tile', async () => {
    const [sup, board] = await Promise.all([signIn(browser, hub.url, 'sup'), signIn(browser, hub.url, 'sup', '/wallboard?tv')]);
    const { callId, event } = offered('hotline-x');
    await hub.app.hub.ingest([event]);
    const row = sup.locator('[data-testid=queue-row][data-queue=hotline-x]');
    await row.locator('[data-testid=auto-created]').waitFor();
    await board.locator('[data-testid=tile][data-queue=hotline-x]').waitFor();
    // A configured line has no remove button.
    expect(await sup.locator('[data-testid=queue-row][data-queue=booking] [data-testid=remove-line]').count()).toBe(0);

    // While the call waits the hub refuses, and the supervisor is told why, in Vietnamese.
    await row.getByTestId('remove-line').click();
    await sup.getByTestId('confirm-ok').click();
    await sup.locator('[data-testid=toast][data-kind=bad]', { hasText: 'còn 1 cuộc gọi' }).waitFor();

    await hub.app.hub.ingest([{ id: `ev-${callId}-ab`, type: 'call.abandoned', at: Date.now(), source: 'e2e', callId }]);
    await row.getByTestId('remove-line').click();
    await sup.getByTestId('confirm-ok').click();
    await sup.locator('[data-testid=toast][data-kind=ok]').waitFor();
    await row.waitFor({ state: 'detached' });
    await board.locator('[data-testid=tile][data-queue=hotline-x]').waitFor({ state: 'detached' });
    expect(hub.app.hub.state.queues.has('hotline-x')).toBe(false);
    await Promise.all([sup.context().close(), board.context().close()]);
  });

  it('an ignored offer expires for its agent and rings for the next one', async () => {
    const [first, second] = await Promise.all([signIn(browser, hub.url, 'a2'), signIn(browser, hub.url, 'a3')]);
    // a2 becomes available first, so the longest-idle rule offers the call to a2.
    await first.getByTestId('state-available').click();
    await first.locator('[data-testid=my-state][data-state=available]').waitFor();
    await second.getByTestId('state-available').click();
    await second.locator('[data-testid=my-state][data-state=available]').waitFor();

    const { callId, event } = offered('advice', '0987654321');
    await hub.app.hub.ingest([event]);
    await first.locator(`[data-testid=offer-card][data-call="${callId}"]`).waitFor();
    expect(await second.locator('[data-testid=offer-card]').count()).toBe(0);

    // Nobody touches it: after the offer time (3 s) it is gone from a2 and rings at a3.
    await first.locator('[data-testid=offer-ended][data-reason=timeout]').waitFor({ timeout: 10_000 });
    expect(await first.locator('[data-testid=offer-card]').count()).toBe(0);
    await second.locator(`[data-testid=offer-card][data-call="${callId}"]`).waitFor({ timeout: 10_000 });
    await second.getByTestId('offer-accept').click();
    await second.locator(`[data-testid=call][data-call="${callId}"]`).waitFor();
    expect(hub.app.hub.state.calls.get(callId)?.agentId).toBe('a3');
    await Promise.all([first.context().close(), second.context().close()]);
  });
});
