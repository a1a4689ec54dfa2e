import { redirect } from '@sveltejs/kit';

// /admin: the users page.
export function load(): never {
  redirect(307, '/admin/users');
}
