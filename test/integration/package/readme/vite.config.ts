// vite.config.ts: serve the mock from the dev server, same origin as the app
import { defineConfig } from 'vite';
import { mockAuthServerPlugin } from 'mcp-authed-client/vite';

export default defineConfig({
  plugins: [mockAuthServerPlugin({ clientRegistrationOptions: { enabled: true } })],
});
