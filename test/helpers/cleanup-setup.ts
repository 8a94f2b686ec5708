import { closeAtFileEnd } from './cleanup.js';

// A setup file runs before every test file: its hook is the file's first, so it runs after the
// file's own `afterAll` hooks (Vitest runs them last-registered first).
closeAtFileEnd();
