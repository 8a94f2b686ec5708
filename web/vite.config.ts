import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` in web/ serves the app with hot reload and forwards the API to a server
// started with `npm start` at the root.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
    // The build runs inside `npm install`: no timing report in its output.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: { proxy: { '/graphql': { target: 'http://localhost:4000', ws: true } } },
});
