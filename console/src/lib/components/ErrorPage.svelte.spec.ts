import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import { i18n } from '$lib/i18n.svelte.ts';
import ErrorPage from './ErrorPage.svelte';

describe('ErrorPage', () => {
  afterEach(() => i18n.set('vi'));

  it('an unknown page is said in Vietnamese by default, with the way back to the start page', async () => {
    i18n.set('vi');
    const s = await render(ErrorPage, { status: 404, path: '/khong-co', home: '/supervisor' });
    await expect.element(s.getByRole('heading')).toHaveTextContent('404 · Không tìm thấy trang');
    await expect.element(s.getByTestId('error-page')).toHaveTextContent('Địa chỉ /khong-co không có trong Callboard.');
    await expect.element(s.getByTestId('error-page')).not.toHaveTextContent('Not Found');
    const home = s.getByRole('link', { name: 'Về trang đầu' });
    await expect.element(home).toHaveAttribute('href', '/supervisor');
  });

  it('in English, and another failure by its status', async () => {
    i18n.set('en');
    const s = await render(ErrorPage, { status: 404, path: '/nope', home: '/login' });
    await expect.element(s.getByRole('heading')).toHaveTextContent('404 · Page not found');
    await expect.element(s.getByRole('link', { name: 'Back to the start page' })).toHaveAttribute('href', '/login');
    await s.rerender({ status: 500 });
    await expect.element(s.getByRole('heading')).toHaveTextContent('500 · Something went wrong');
  });
});
