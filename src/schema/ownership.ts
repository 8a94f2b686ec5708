import type { Context, Viewer } from './context.js';
import { UnauthenticatedError } from '../errors.js';

/** No row has this id: a filter on it matches nothing, exactly like a missing object. */
export const NO_ID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The signed-in viewer; UNAUTHENTICATED when there is none. */
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

/**
 * A database id taken from a client (a decoded global id): a malformed one is turned into an id
 * that matches nothing, so it answers like any other missing object instead of a database error.
 */
export function uuidOrNoMatch(id: string): string {
  return UUID.test(id) ? id : NO_ID;
}
