import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build', precompress: true }),
    // The hub's wire types live in realtime/src/contracts; the console imports them, never copies them.
    alias: { $contracts: '../realtime/src/contracts' },
    typescript: {
      config(c) {
        c.compilerOptions.allowImportingTsExtensions = true;
        c.include.push('../../realtime/src/contracts/**/*.ts');
      },
    },
  },
};
export default config;
