import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // The contracts module sits outside the console's root.
  server: { fs: { allow: ['..'] } },
  build: { chunkSizeWarningLimit: 400 },
});
