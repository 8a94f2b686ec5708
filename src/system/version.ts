import { readFileSync } from 'node:fs';
import { fromProjectRoot } from '../project-root.js';

/** The version of this server, from package.json (read once). */
export const VERSION: string = (JSON.parse(readFileSync(fromProjectRoot('package.json'), 'utf8')) as { version: string }).version;
