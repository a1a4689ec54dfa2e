/** `$env/dynamic/public` for the console's tests outside SvelteKit: no hub URL (same origin). */
export const env: Record<string, string | undefined> = {};
