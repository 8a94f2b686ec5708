import type { Context, Viewer } from './context.js';
import { UnauthenticatedError } from '../errors.js';
import { NO_ID } from './global-ids.js';

// The id helpers moved to global-ids.ts; re-exported until every caller imports them from there.
export { NO_ID, uuidOrNoMatch } from './global-ids.js';

/**
 * The signed-in viewer; UNAUTHENTICATED when there is none.
 * To be removed: a field states its need with `t.withAuth({ authenticated: true })` and reads
 * `context.viewer`, non-null there.
 */
export function requireViewer(context: Pick<Context, 'viewer'>): Viewer {
  if (!context.viewer) throw new UnauthenticatedError();
  return context.viewer;
}

/**
 * The id to filter owned rows by: the viewer's, or one that matches nothing when signed out.
 * Use it in every lookup of user-owned data (`where: { id, userId: ownerIdFilter(context) }`),
 * so someone else's object comes back exactly as a missing one does.
 */
export function ownerIdFilter(context: Pick<Context, 'viewer'>): string {
  return context.viewer?.id ?? NO_ID;
}
